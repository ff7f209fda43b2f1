/**
 * Big sessions' span trees stored in the index by a worker once the file is read: opening such
 * a session reads its tree instead of building it, gives the same waterfall as building it,
 * and never uses a tree of spans the index no longer holds alone (a watched file that grew).
 * The threshold is lowered so small real files count as big.
 */
import { appendFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { TraceService } from '../../src/core/trace-service';
import { buildSessionTree } from '../../src/core/session-trees';
import { decodeSessionTree, encodeSessionTree } from '../../src/core/session-tree-codec';
import { IndexDb } from '../../src/core/index/index-db';
import { compactConsoleSpan } from '../helpers/otel-console-span';
import { useTraceServiceHarness } from '../helpers/use-trace-service-harness';
import { waitFor } from '../helpers/wait-for';

const harness = useTraceServiceHarness('tracelight-trees-');
const { makeService, openOne } = harness;
const session = { 'kitelogik.session_id': 'sess-big' };

/** A trace of a root, `turns` children and a tool call under each, children written before parents. */
function traceLines(traceId: string, turns: number, fromMs = 0): string {
  const lines: string[] = [];
  for (let t = 0; t < turns; t++) {
    const start = fromMs + t * 10;
    lines.push(compactConsoleSpan({ name: `tool ${t}`, traceId, spanId: `${traceId}t${t}`, parentId: `${traceId}c${t}`, startMs: start + 2, endMs: start + 5, attributes: session }));
    lines.push(compactConsoleSpan({ name: `turn ${t}`, traceId, spanId: `${traceId}c${t}`, parentId: `${traceId}r`, startMs: start, endMs: start + 8, attributes: session }));
  }
  lines.push(compactConsoleSpan({ name: 'agent', traceId, spanId: `${traceId}r`, startMs: fromMs, endMs: fromMs + turns * 10, attributes: session }));
  return lines.join('');
}

async function windowOf(service: TraceService, sourceId: string) {
  const window = await service.getWaterfall({ sourceId, sessionId: 'sess-big', collapsedKeys: [], offset: 0, limit: 500 });
  if (!window.ok) throw new Error(window.error);
  return window.value;
}

function storedTrees(cacheDir: string): { session_id: string; mark: string }[] {
  const folder = join(cacheDir, 'index');
  const file = readdirSync(folder).find((name) => name.endsWith('.sqlite'))!;
  const db = new Database(join(folder, file), { readonly: true });
  try {
    return db.prepare('SELECT session_id, mark FROM session_trees').all() as { session_id: string; mark: string }[];
  } finally {
    db.close();
  }
}

describe('stored session trees', () => {
  it('are written once the file is read, and a reopened session reads the same waterfall from them', async () => {
    const file = join(harness.dir, 'big.jsonl');
    writeFileSync(file, traceLines('aa11', 30) + traceLines('bb22', 5, 1000));
    const first = makeService(false, { storedTreeMinSpans: 50 });
    const { sourceId } = await openOne(first, file);
    await first.whenIdle();
    expect(storedTrees(harness.cacheDir).map((row) => row.session_id)).toEqual(['sess-big']);
    const built = await windowOf(first, sourceId);
    expect(built.totalSpans).toBe(61 + 11);
    expect(built.rows.slice(0, 4).map((row) => `${'  '.repeat(row.depth)}${row.name}`)).toEqual(['agent', '  turn 0', '    tool 0', '  turn 1']);
    await first.close();

    const second = makeService(false, { storedTreeMinSpans: 50 });
    const reopened = await openOne(second, file);
    await second.whenIdle();
    expect(await windowOf(second, reopened.sourceId)).toEqual(built);
    await second.close();

    // The stored tree is what a reopened session shows: one whose axis starts a second earlier is read as stored.
    const folder = join(harness.cacheDir, 'index');
    const index = new IndexDb(join(folder, readdirSync(folder).find((name) => name.endsWith('.sqlite'))!));
    const stored = index.readSessionTree('sess-big')!;
    const tree = decodeSessionTree(stored.tree)!;
    index.writeSessionTree('sess-big', stored.mark, encodeSessionTree({ ...tree, startUs: tree.startUs - 1_000_000 }));
    index.close();
    const third = makeService(false, { storedTreeMinSpans: 50 });
    const again = await openOne(third, file);
    await third.whenIdle();
    expect((await windowOf(third, again.sourceId)).startUs).toBe(built.startUs - 1_000_000);
  });

  it('are not stored for sessions under the threshold', async () => {
    const file = join(harness.dir, 'small.jsonl');
    writeFileSync(file, traceLines('cc33', 3));
    const service = makeService(false, { storedTreeMinSpans: 50 });
    await openOne(service, file);
    await service.whenIdle();
    expect(storedTrees(harness.cacheDir)).toEqual([]);
  });

  it('are not used once the session has more spans, and are stored again', async () => {
    const file = join(harness.dir, 'growing.jsonl');
    writeFileSync(file, traceLines('dd44', 30));
    const service = makeService(true, { storedTreeMinSpans: 50 });
    const { sourceId } = await openOne(service, file);
    await service.whenIdle();
    const [before] = storedTrees(harness.cacheDir);
    expect((await windowOf(service, sourceId)).totalSpans).toBe(61);

    appendFileSync(file, traceLines('ee55', 4, 5000));
    await waitFor(async () => (await windowOf(service, sourceId)).totalSpans === 61 + 9, 'the appended trace in the waterfall');
    const rows = (await windowOf(service, sourceId)).rows;
    expect(rows.filter((row) => row.depth === 0).map((row) => row.name)).toEqual(['agent', 'agent']);
    // Stored again a moment later (a watched file's trees wait LIVE_TREES_DELAY_MS).
    await waitFor(() => storedTrees(harness.cacheDir)[0]?.mark !== before.mark, 'the tree stored again', 5000);
  });

  it('decode to what was encoded, and a damaged one reads as none', async () => {
    const file = join(harness.dir, 'codec.jsonl');
    writeFileSync(file, traceLines('ff66', 12) + compactConsoleSpan({ name: 'lost', traceId: 'ff66', spanId: 'x', parentId: 'gone', startMs: 3, attributes: session }));
    const service = makeService(false);
    await openOne(service, file);
    await service.whenIdle();
    await service.close();
    const folder = join(harness.cacheDir, 'index');
    const db = new IndexDb(join(folder, readdirSync(folder).find((name) => name.endsWith('.sqlite'))!));
    try {
      const built = buildSessionTree(db, 'sess-big')!;
      const bytes = encodeSessionTree(built);
      const decoded = decodeSessionTree(bytes)!;
      expect(Array.from(decoded.keys)).toEqual(Array.from(built.keys));
      expect(decoded.tree.roots).toEqual(built.tree.roots);
      for (const name of ['parent', 'childStart', 'childList', 'isOrphan', 'drawStartUs'] as const) expect([...decoded.tree[name]]).toEqual([...built.tree[name]]);
      expect(decoded.tree.isOrphan.includes(1)).toBe(true);
      expect([decoded.spanCount, decoded.startUs, decoded.endUs, decoded.synthesized]).toEqual([built.spanCount, built.startUs, built.endUs, null]);
      expect(decodeSessionTree(bytes.subarray(0, bytes.length - 8))).toBeNull();
      expect(decodeSessionTree(Buffer.from('not a tree at all, just some bytes here.........'))).toBeNull();
    } finally {
      db.close();
    }
  });
});
