/**
 * Typed Grades' criteria (FORMATS.md §9): synthesised from `criteria` by the adapter, marked
 * for the index, and hidden when the tree is read if their Grade has real criterion spans.
 * Typed runs' `meta`: read from the run, merged per trace and session with the latest run
 * (by start) winning per key whatever order the runs are indexed in, and searchable.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { adaptRecord } from '../../../src/core/ingest/adapt-record';
import { ingestRecords } from '../../../src/core/ingest/ingest-records';
import { IndexDb } from '../../../src/core/index/index-db';
import { deriveSpanFields } from '../../../src/core/semantics/derive-span-fields';
import { hideSupersededCriteria } from '../../../src/core/session-trees';
import { makeTempDir } from '../../helpers/temp-dir';

function spansOf(record: object) {
  const result = adaptRecord(record);
  if (!result.isTrace) throw new Error('not a trace record');
  return result.spans;
}

describe('criteria synthesised from a Grade', () => {
  const grade = {
    trace_id: 't',
    span_id: 'g',
    span_name: 'grader.Rubric',
    start_time: 1778486540,
    duration_ms: 250,
    score: 0.5,
    criteria: [{ name: 'polite', passed: true, score: 1 }, 7, { name: 'resolved', passed: false }],
  };

  it('follow the Grade, one per dict, with stable ids, its times and the dict as attributes', () => {
    const [own, ...criteria] = spansOf(grade);
    expect(own.spanId).toBe('g');
    expect(criteria.map((c) => [c.spanId, c.parentSpanId, c.name, c.startNs, c.endNs])).toEqual([
      ['g#criterion-0', 'g', 'grader.criterion', own.startNs, own.endNs],
      ['g#criterion-2', 'g', 'grader.criterion', own.startNs, own.endNs],
    ]);
    expect(criteria[0].attributes).toEqual({ name: 'polite', passed: true, score: 1, span_kind: 'grader.criterion', 'tracelight.synthesized': true });
    // The same record always yields the same spans (span detail reads them back by position).
    expect(spansOf(grade)).toEqual([own, ...criteria]);
  });

  const cases: [string, object, number][] = [
    ['a Grade without criteria', { ...grade, criteria: undefined }, 1],
    ['empty criteria', { ...grade, criteria: [] }, 1],
    ['criteria as JSON text', { ...grade, criteria: '[{"name":"a"},{"name":"b"}]' }, 3],
    ['criteria that is not a list', { ...grade, criteria: { name: 'a' } }, 1],
    ['a Grade without a span id', { ...grade, span_id: undefined }, 1],
    ['a grader Message (it has a role) is no Grade', { ...grade, role: 'assistant', grader_name: 'judge' }, 1],
    ['a real criterion span', { trace_id: 't', span_id: 'c', parent_span_id: 'g', span_kind: 'grader.criterion', start_time: 1, criteria: [{}] }, 1],
  ];
  for (const [name, record, count] of cases) it(`${name}: ${count} span(s)`, () => expect(spansOf(record)).toHaveLength(count));

  it('are graders that semantics tells from real criteria', () => {
    const [own, synthesized] = spansOf(grade);
    const real = spansOf({ trace_id: 't', span_id: 'c', parent_span_id: 'g', span_kind: 'grader.criterion', start_time: 1, score: 0.9 })[0];
    expect(deriveSpanFields(own.name, own.attributes)).toMatchObject({ spanType: 'grader', criterion: null, score: 0.5 });
    expect(deriveSpanFields(synthesized.name, synthesized.attributes)).toMatchObject({ spanType: 'grader', criterion: 'synthesized', score: 1 });
    expect(deriveSpanFields(real.name, real.attributes)).toMatchObject({ spanType: 'grader', criterion: 'real', score: 0.9 });
  });
});

describe('hideSupersededCriteria: real criterion spans win over synthesised ones', () => {
  type Row = { id: string; traceId: string; parentSpanId: string | null; criterion: 0 | 1 | null };
  const row = (id: string, parentSpanId: string | null, criterion: 0 | 1 | null, traceId = 't'): Row => ({ id, traceId, parentSpanId, criterion });
  const cases: [string, Row[], string[]][] = [
    ['only synthesised: all shown', [row('g', null, null), row('g#0', 'g', 1), row('g#1', 'g', 1)], ['g', 'g#0', 'g#1']],
    ['a real one of the same Grade hides them', [row('g', null, null), row('g#0', 'g', 1), row('g#1', 'g', 1), row('c', 'g', 0)], ['g', 'c']],
    ['the real one first (any order)', [row('c', 'g', 0), row('g', null, null), row('g#0', 'g', 1)], ['c', 'g']],
    ['a real one of another Grade does not', [row('g', null, null), row('g#0', 'g', 1), row('h', null, null), row('c', 'h', 0)], ['g', 'g#0', 'h', 'c']],
    ['nor one in another trace', [row('g', null, null), row('g#0', 'g', 1), row('c', 'g', 0, 'other')], ['g', 'g#0', 'c']],
    ['other children do not count as criteria', [row('g', null, null), row('g#0', 'g', 1), row('m', 'g', null)], ['g', 'g#0', 'm']],
  ];
  for (const [name, rows, shown] of cases) {
    it(name, () => {
      const spans = {
        keys: rows.map((_, i) => i),
        traceIds: rows.map((r) => r.traceId),
        spanIds: rows.map((r) => r.id),
        parentIds: rows.map((r) => r.parentSpanId),
        starts: rows.map(() => null),
        criteria: rows.map((r) => r.criterion),
      };
      expect(hideSupersededCriteria(spans).spanIds).toEqual(shown);
    });
  }
});

describe('run meta merged in the index', () => {
  let dir: { path: string; remove: () => void };
  let db: IndexDb;
  beforeEach(() => {
    dir = makeTempDir('tracelight-meta-');
    db = new IndexDb(join(dir.path, 'index.sqlite'));
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  /** Indexes records as one batch whose piece starts at `offset`. */
  function index(offset: number, ...records: object[]) {
    const framed = records.map((value, i) => ({ value, offset: offset + i * 1000, lengthBytes: 1000, line: 1 + offset / 1000 + i }));
    const ingested = ingestRecords(framed);
    db.addBatch(ingested.spans, [], { offset, endOffset: offset + records.length * 1000, endLine: 1 });
  }
  const run = (step: number, startTime: string | null, meta: object, extra: object = {}) => ({
    trace_id: 'trc_s',
    datapoint_id: 's',
    phase: 'prod',
    run_id: 'agent',
    step,
    span_kind: 'trace_run',
    ...(startTime ? { start_time: startTime } : {}),
    meta,
    ...extra,
  });

  it('the latest run by start wins per key, whichever is indexed first; keys of earlier runs stay', () => {
    // The later turn is read first (a piece further in the file indexed first, or records out of order).
    index(5000, run(2, '2026-05-11T09:01:00Z', { customer_id: 'cust_123', plan: 'pro' }));
    index(0, run(1, '2026-05-11T09:00:00Z', { customer_id: 'cust_OLD', region: 'eu' }));
    expect(db.getSession('s1', 's')?.meta).toEqual({ customer_id: 'cust_123', plan: 'pro', region: 'eu' });
  });

  it('a run without a start is the earliest; equal starts: the later record wins', () => {
    index(0, run(1, null, { a: 'undated', b: 'undated' }), run(2, '2026-05-11T09:00:00Z', { a: 'first' }), run(3, '2026-05-11T09:00:00Z', { a: 'second' }));
    expect(db.getSession('s1', 's')?.meta).toEqual({ a: 'second', b: 'undated' });
  });

  it('merges the traces of a session by their runs\' starts, reads meta given as JSON text, and finds sessions by meta value', () => {
    index(0, run(1, '2026-05-11T09:05:00Z', { tier: 'gold' }, { trace_id: 'trc_b' }), run(1, '2026-05-11T09:00:00Z', '{"tier":"silver","owner":"ana"}' as unknown as object));
    expect(db.getSession('s1', 's')?.meta).toEqual({ owner: 'ana', tier: 'gold' });
    const search = (filter: string) => db.querySessions('s1', { sortBy: 'start', sortDir: 'asc', filter, offset: 0, limit: 10 }).rows.map((r) => r.sessionId);
    expect(search('gold')).toEqual(['s']);
    expect(search('ana')).toEqual(['s']);
    expect(search('silver')).toEqual([]); // overwritten by the later run
  });

  it('a session without runs has empty meta', () => {
    index(0, { trace_id: 'trc_x', span_id: 'm', span_name: 'message.user', start_time: 1, role: 'user', content: 'hi' });
    expect(db.getSession('s1', 'trc_x')?.meta).toEqual({});
  });

  it('synthesised criteria are not counted as spans', () => {
    index(0, { trace_id: 'trc_g', span_id: 'g', span_kind: 'grader', start_time: 1, score: 1, criteria: [{ name: 'a' }, { name: 'b' }] });
    expect(db.getCounts().spans).toBe(1);
    expect(db.getSession('s1', 'trc_g')?.spans).toBe(1);
    const tree = db.querySessionTreeSpans('trc_g');
    expect(tree.spanIds.map((spanId, i) => [spanId, tree.criteria?.[i] ?? null])).toEqual([
      ['g', null],
      ['g#criterion-0', 1],
      ['g#criterion-1', 1],
    ]);
  });
});
