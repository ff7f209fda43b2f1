/**
 * Spans stored as blocks (src/core/index/span-blocks.ts) and read back through IndexDb: the
 * tree in file order whatever order the batches came in, list fields and record locations by
 * key, a source's own keys, blocks split at BLOCK_SPANS, keys never reused after a clear.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { IndexDb, type SessionSpans } from '../../../src/core/index/index-db';
import { BLOCK_SPANS, encodeSpanBlocks, locateFileSpanKey, parseBlockFields, parseBlockTree, type BlockTree } from '../../../src/core/index/span-blocks';
import type { IndexableSpan } from '../../../src/core/ingest/ingest-records';
import { makeTempDir } from '../../helpers/temp-dir';

function span(overrides: Partial<IndexableSpan> & Pick<IndexableSpan, 'spanId' | 'recordOffset'>): IndexableSpan {
  return {
    traceId: 'a'.repeat(32),
    parentSpanId: null,
    name: `op ${overrides.spanId}`,
    spanType: 'unknown',
    status: 'ok',
    startUs: 1_000 + overrides.recordOffset,
    endUs: 2_000 + overrides.recordOffset,
    sessionKey: null,
    sessionKeySource: null,
    model: null,
    inputTokens: null,
    outputTokens: null,
    costUsd: null,
    decision: null,
    isVerdict: false,
    isGraderCall: false,
    runStatus: null,
    tags: null,
    meta: null,
    criterion: null,
    recordLength: 10,
    recordLine: 1 + overrides.recordOffset,
    recordIndex: 0,
    format: 'otel-console',
    ...overrides,
  };
}

const piece = (offset: number) => ({ offset, endOffset: offset + 1, endLine: 1 });

/** A session's tree spans as one object per span. */
function rowsOf(spans: SessionSpans) {
  return spans.keys.map((spanKey, i) => ({ spanKey, spanId: spans.spanIds[i], parentSpanId: spans.parentIds[i], traceId: spans.traceIds[i] }));
}

describe('encodeSpanBlocks', () => {
  it('keeps file order, and only writes criteria and keys when a span has one', () => {
    const [block] = encodeSpanBlocks([span({ spanId: 'b', recordOffset: 20 }), span({ spanId: 'a', recordOffset: 10, criterion: 'synthesized' })]);
    const tree = parseBlockTree(block.tree);
    expect(tree).toEqual({ ids: ['a', 'b'], parents: [null, null], starts: [1010, 1020], base: 1010, criteria: [1, null] });
    expect([block.firstOffset, block.lastOffset, block.spanCount, block.keys]).toEqual([10, 20, 2, null]);
    const [keyed] = encodeSpanBlocks([span({ spanId: 'k', recordOffset: 5, spanKey: 77 })]);
    expect(parseBlockTree(keyed.tree)).toEqual({ ids: ['k'], parents: [null], starts: [1005], base: 1005, keys: [77] });
    expect(keyed.keys).toEqual([77]);
  });

  it("stores times, offsets and lines after the block's first, and reads them back whole", () => {
    const spans = [
      span({ spanId: 'a', recordOffset: 4_000_000_000, startUs: 1_763_596_800_004_172, endUs: null }),
      span({ spanId: 'b', recordOffset: 4_000_000_900, startUs: null, endUs: 1_763_596_800_000_000 }),
      span({ spanId: 'c', recordOffset: 4_000_001_800, startUs: 1_763_596_799_000_000, endUs: 1_763_596_900_000_000 }),
    ];
    const [block] = encodeSpanBlocks(spans);
    // Stored small: what makes a block cheap to write and read.
    const stored = JSON.parse(block.tree) as BlockTree;
    expect(stored.starts).toEqual([1_004_172, null, 0]);
    expect(stored.base).toBe(1_763_596_799_000_000);
    const storedFields = JSON.parse(block.fields) as { ends: (number | null)[]; offsets: number[]; lines: number[] };
    expect(storedFields.offsets).toEqual([0, 900, 1800]);
    expect(storedFields.lines).toEqual([0, 900, 1800]);
    // Read back: what the source gave.
    expect(parseBlockTree(block.tree).starts).toEqual(spans.map((s) => s.startUs));
    const fields = parseBlockFields(block.fields);
    expect(fields.ends).toEqual(spans.map((s) => s.endUs));
    expect(fields.offsets).toEqual(spans.map((s) => s.recordOffset));
    expect(fields.lines).toEqual(spans.map((s) => s.recordLine));
  });

  it(`cuts a trace into blocks of at most ${BLOCK_SPANS} spans`, () => {
    const spans = Array.from({ length: BLOCK_SPANS * 2 + 3 }, (_, i) => span({ spanId: `s${i}`, recordOffset: i }));
    expect(encodeSpanBlocks(spans).map((block) => [block.spanCount, block.firstOffset])).toEqual([
      [BLOCK_SPANS, 0],
      [BLOCK_SPANS, BLOCK_SPANS],
      [3, BLOCK_SPANS * 2],
    ]);
  });

  it('reads no block out of a key that cannot be a file span key', () => {
    expect(locateFileSpanKey(BLOCK_SPANS * 3 + 5)).toEqual({ blockKey: 3, position: 5 });
    for (const key of [0, 5, -BLOCK_SPANS, 1.5, Number.NaN, 2 ** 60]) expect(locateFileSpanKey(key)).toBeNull();
  });
});

describe('IndexDb over span blocks', () => {
  let dir: string;
  let cleanup: () => void;
  let db: IndexDb;
  beforeEach(() => {
    ({ path: dir, remove: cleanup } = makeTempDir());
    db = new IndexDb(join(dir, 'index.sqlite'));
  });
  afterEach(() => {
    db.close();
    cleanup();
  });

  it('reads a trace back in file order when batches came in any order, with fields and locations by key', () => {
    // Two batches of one trace whose offsets interleave (a run database's tables), written late first.
    db.addBatch([span({ spanId: 'c', recordOffset: 30, parentSpanId: 'a' }), span({ spanId: 'd', recordOffset: 40, parentSpanId: 'a' })], [], piece(1));
    db.addBatch([span({ spanId: 'a', recordOffset: 10 }), span({ spanId: 'b', recordOffset: 35, parentSpanId: 'a', model: 'gpt-4o' })], [], piece(0));
    const tree = rowsOf(db.querySessionTreeSpans('a'.repeat(32)));
    expect(tree.map((row) => row.spanId)).toEqual(['a', 'c', 'b', 'd']);
    expect(new Set(tree.map((row) => row.spanKey)).size).toBe(4);
    const b = tree.find((row) => row.spanId === 'b')!;
    const fields = db.querySpanRows([b.spanKey, 999_999_999]);
    expect([...fields.keys()]).toEqual([b.spanKey]);
    expect(fields.get(b.spanKey)).toMatchObject({ spanId: 'b', parentSpanId: 'a', name: 'op b', model: 'gpt-4o', startUs: 1035, endUs: 2035, traceId: 'a'.repeat(32) });
    expect(db.getSpanLocation(b.spanKey)).toMatchObject({ spanId: 'b', recordOffset: 35, recordLength: 10, recordLine: 36, recordIndex: 0, format: 'otel-console', sessionId: 'a'.repeat(32) });
    expect(db.getSpanLocation(b.spanKey + 1_000_000)).toBeNull();
  });

  it("answers a source's own span keys, and no other key", () => {
    db.addBatch([span({ spanId: 'x', recordOffset: 1, spanKey: 2 ** 40 + 7 }), span({ spanId: 'y', recordOffset: 2, spanKey: 123 })], [], piece(0));
    expect(rowsOf(db.querySessionTreeSpans('a'.repeat(32))).map((row) => [row.spanId, row.spanKey])).toEqual([
      ['x', 2 ** 40 + 7],
      ['y', 123],
    ]);
    expect(db.getSpanLocation(123)?.spanId).toBe('y');
    expect(db.querySpanRows([2 ** 40 + 7]).get(2 ** 40 + 7)?.spanId).toBe('x');
    // A file-style key of the same block means nothing in an index of keyed spans.
    expect(db.getSpanLocation(BLOCK_SPANS * 1 + 0)).toBeNull();
  });

  it('never reuses a span key after the index is cleared', () => {
    db.addBatch([span({ spanId: 'first', recordOffset: 0 })], [], piece(0));
    const [before] = rowsOf(db.querySessionTreeSpans('a'.repeat(32)));
    db.clear();
    db.addBatch([span({ spanId: 'second', recordOffset: 0 })], [], piece(0));
    const [after] = rowsOf(db.querySessionTreeSpans('a'.repeat(32)));
    expect(after.spanKey).not.toBe(before.spanKey);
    expect(db.getSpanLocation(before.spanKey)).toBeNull();
    expect(db.getSpanLocation(after.spanKey)?.spanId).toBe('second');
  });

  it('writes one block per trace and piece, not a row per span', () => {
    const other = 'b'.repeat(32);
    db.addBatch(
      [...Array.from({ length: 50 }, (_, i) => span({ spanId: `a${i}`, recordOffset: i * 2 })), ...Array.from({ length: 50 }, (_, i) => span({ spanId: `b${i}`, recordOffset: i * 2 + 1, traceId: other }))],
      [],
      piece(0),
    );
    db.close();
    const raw = new Database(join(dir, 'index.sqlite'), { readonly: true });
    expect(raw.prepare('SELECT span_count FROM span_blocks ORDER BY block_key').pluck().all()).toEqual([50, 50]);
    raw.close();
    db = new IndexDb(join(dir, 'index.sqlite'));
    expect(db.getCounts().spans).toBe(100);
    expect(rowsOf(db.querySessionTreeSpans(other)).map((row) => row.spanId)).toEqual(Array.from({ length: 50 }, (_, i) => `b${i}`));
  });
});
