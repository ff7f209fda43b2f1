/**
 * One bad row is that row's error, never the store's: whatever reading a row throws (here a
 * JSON value nested deeper than the stack: flattening it, writing it back as JSON text, or
 * deriving fields from it) is reported as `{table, rowid, reason}` and every other row is
 * still read and indexed. Only a failure of the index itself stops an index job.
 */
import Database from 'better-sqlite3';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IndexDb } from '../../../../src/core/index/index-db';
import { runIndexStoreJob } from '../../../../src/core/index-store-job';
// open-store first: it loads the reader registry, which imports the readers.
import { openStore } from '../../../../src/core/sources/stores/open-store';
import { StoreReadAborted, type StoreReader, type StoreRowError, type StoreSpan } from '../../../../src/core/sources/stores/store-reader';
import { forEachRowPage } from '../../../../src/core/sources/stores/store-row-values';
import { build as buildKavalai } from '../../../fixtures/stores/kavalai-db/support-desk.build';
import { insertRow, uuidHex } from '../../../fixtures/stores/kavalai-db/kavalai-ddl';
import { build as buildAudit } from '../../../fixtures/stores/kitelogik-audit-db/audit-log.build';
import { build as buildMlflowAssessments } from '../../../fixtures/stores/mlflow-db/assessments.build';
import { build as buildPhoenixAnnotations } from '../../../fixtures/stores/phoenix-db/annotations.build';
import { build as buildPhoenix } from '../../../fixtures/stores/phoenix-db/init-schema.build';
import { useStoreBuilder } from '../../../helpers/store-builder';

const makeStorePath = useStoreBuilder('tracelight-row-errors-');

const DEPTH = 20_000;
/** JSON nested DEPTH levels deep: JSON.parse reads it, but recursing through it overflows the stack. */
const deepObject = (leaf = '1') => `${'{"a": '.repeat(DEPTH)}${leaf}${'}'.repeat(DEPTH)}`;
const deepList = () => `${'['.repeat(DEPTH)}1${']'.repeat(DEPTH)}`;
const STACK_REASON = /^cannot read this row: Maximum call stack size exceeded$/;


/** Reads the store whole as the engine does: its reader, read-only. */
function readStore(path: string): { reader: StoreReader; spans: StoreSpan[]; errors: StoreRowError[]; db: Database.Database } {
  const opened = openStore(path);
  if (!opened.ok) throw new Error(opened.reason);
  const spans: StoreSpan[] = [];
  const errors: StoreRowError[] = [];
  opened.reader.readAll(opened.db, (span) => spans.push(span), (error) => errors.push(error));
  return { reader: opened.reader, spans, errors, db: opened.db };
}

/** The spans and errors of a store as built, and as built with one row made bad. */
function readBeforeAndAfter(build: (db: Database.Database) => void, spoil: (db: Database.Database) => void) {
  const good = readStore(makeStorePath(build));
  good.db.close();
  const bad = readStore(
    makeStorePath((db) => {
      build(db);
      spoil(db);
    }),
  );
  return { good, bad };
}

const pointersOf = (spans: StoreSpan[]) => spans.map(({ pointer }) => pointer);

const INSERT_PHOENIX_SPAN = `INSERT INTO spans (id, trace_rowid, span_id, parent_id, name, span_kind, start_time, end_time, attributes, events, status_code,
   status_message, cumulative_error_count, cumulative_llm_token_count_prompt, cumulative_llm_token_count_completion)
 VALUES (?, 1, ?, '1111111111111111', 'step', 'CHAIN', '2024-06-01 12:00:00.200000', '2024-06-01 12:00:00.300000', ?, '[]', 'OK', '', 0, 0, 0)`;

describe('a row that cannot be read is reported, and the others are read', () => {
  it('phoenix: attributes nested 20,000 deep (flattening them overflows the stack)', () => {
    const { good, bad } = readBeforeAndAfter(buildPhoenix, (db) => {
      db.prepare(INSERT_PHOENIX_SPAN).run(50, '5050505050505050', deepObject());
      db.prepare(INSERT_PHOENIX_SPAN).run(51, '5151515151515151', '{"input": {"value": "after"}}');
    });
    try {
      expect(bad.errors).toEqual([...good.errors, { table: 'spans', rowid: 50, reason: expect.stringMatching(STACK_REASON) }]);
      expect(pointersOf(bad.spans)).toEqual([...pointersOf(good.spans), { table: 'spans', rowid: 51, index: 0 }]);
    } finally {
      bad.db.close();
    }
  });

  it('phoenix: an annotation whose metadata is nested 20,000 deep (readJsonColumnAttributes)', () => {
    const { good, bad } = readBeforeAndAfter(buildPhoenixAnnotations, (db) => {
      db.prepare('UPDATE span_annotations SET metadata = ? WHERE rowid = 1').run(deepObject());
    });
    try {
      expect([...bad.errors].sort(byTableAndRow)).toEqual([...good.errors, { table: 'span_annotations', rowid: 1, reason: expect.stringMatching(STACK_REASON) }].sort(byTableAndRow));
      expect(pointersOf(bad.spans)).toEqual(pointersOf(good.spans).filter((p) => !(p.table === 'span_annotations' && p.rowid === 1)));
    } finally {
      bad.db.close();
    }
  });

  it('mlflow: an assessment whose error JSON is nested 20,000 deep', () => {
    const { good, bad } = readBeforeAndAfter(buildMlflowAssessments, (db) => {
      db.prepare('UPDATE assessments SET error = ? WHERE rowid = 2').run(deepObject());
    });
    try {
      expect([...bad.errors].sort(byTableAndRow)).toEqual([...good.errors, { table: 'assessments', rowid: 2, reason: expect.stringMatching(STACK_REASON) }].sort(byTableAndRow));
      expect(pointersOf(bad.spans)).toEqual(pointersOf(good.spans).filter((p) => !(p.table === 'assessments' && p.rowid === 2)));
    } finally {
      bad.db.close();
    }
  });

  it('kitelogik: a context value nested 20,000 deep (written back as JSON text)', () => {
    let badRowid = 0;
    const { good, bad } = readBeforeAndAfter(buildAudit, (db) => {
      db.prepare(
        `INSERT INTO audit_log (id, session_id, tool_name, args_json, policy_decision_json, policy_version, outcome, timestamp, context_json)
         VALUES ('deep-row', 'sess_deep', 'shell.exec', '{}', '{"allow": true, "deny": false}', 'abc', 'allowed', '2026-11-20T10:00:00+00:00', ?)`,
      ).run(`{"session_id": "sess_deep", "nested": ${deepList()}}`);
      badRowid = Number((db.prepare('SELECT last_insert_rowid() AS n').get() as { n: number }).n);
    });
    try {
      expect(bad.errors).toEqual([...good.errors, { table: 'audit_log', rowid: badRowid, reason: expect.stringMatching(STACK_REASON) }]);
      expect(pointersOf(bad.spans)).toEqual(pointersOf(good.spans));
    } finally {
      bad.db.close();
    }
  });

  it('kavalai: a task whose errors list is nested 20,000 deep loses that task only, not its run', () => {
    let badRowid = 0;
    const { good, bad } = readBeforeAndAfter(buildKavalai, (db) => {
      const [task] = db.prepare('SELECT run_id, session_id, agent_id, created_at FROM tasks ORDER BY rowid LIMIT 1').all() as Record<string, unknown>[];
      insertRow(db, 'tasks', { ...task, id: uuidHex('deeptask', 1), name: 'deep', node_type: 'llm', errors: deepList(), seq: 99 });
      badRowid = Number((db.prepare('SELECT last_insert_rowid() AS n').get() as { n: number }).n);
    });
    try {
      expect(bad.errors).toEqual([...good.errors, { table: 'tasks', rowid: badRowid, reason: expect.stringMatching(STACK_REASON) }]);
      expect(pointersOf(bad.spans)).toEqual(pointersOf(good.spans));
      // Reading a span back rebuilds its run the same way, the bad task left out.
      for (const { span, pointer } of bad.spans.slice(0, 5)) expect(bad.reader.readOne(bad.db, pointer)?.span).toEqual(span);
    } finally {
      bad.db.close();
    }
  });
});

function byTableAndRow(a: StoreRowError, b: StoreRowError): number {
  return a.table < b.table ? -1 : a.table > b.table ? 1 : (a.rowid ?? -1) - (b.rowid ?? -1);
}

describe('forEachRowPage', () => {
  const db = new Database(':memory:');
  afterAll(() => db.close());
  db.exec('CREATE TABLE t (v TEXT); INSERT INTO t (v) VALUES (\'a\'), (\'b\'), (\'c\')');
  const statement = () => db.prepare('SELECT rowid AS row_id, v FROM t WHERE rowid > ? ORDER BY rowid LIMIT 2000');

  it('reports a row whose handling throws, naming why, and handles the next', () => {
    const seen: unknown[] = [];
    const errors: StoreRowError[] = [];
    forEachRowPage(statement(), 't', (error) => errors.push(error), (row) => {
      if (row.v === 'b') throw new RangeError('Maximum call stack size exceeded');
      seen.push(row.v);
    });
    expect(seen).toEqual(['a', 'c']);
    expect(errors).toEqual([{ table: 't', rowid: 2, reason: 'cannot read this row: Maximum call stack size exceeded' }]);
  });

  it('lets a StoreReadAborted through: the caller stopped reading', () => {
    const stop = new StoreReadAborted(new Error('disk full'));
    const errors: StoreRowError[] = [];
    expect(() =>
      forEachRowPage(statement(), 't', (error) => errors.push(error), () => {
        throw stop;
      }),
    ).toThrow(stop);
    expect(errors).toEqual([]);
  });
});

describe('the store index job', () => {
  it('indexes every span but one whose fields cannot be derived, which becomes a row error', () => {
    // A session id that is a list nested 20,000 deep: the reader keeps it, deriving the session key overflows.
    const storePath = makeStorePath((db) => {
      buildPhoenix(db);
      db.prepare(INSERT_PHOENIX_SPAN).run(60, '6060606060606060', `{"session": {"id": ${deepList()}}}`);
    });
    const good = readStore(storePath);
    good.db.close();
    expect(good.errors).toEqual([]);

    const dbPath = join(dirname(storePath), 'index.db');
    const result = runIndexStoreJob({ type: 'indexStore', jobId: 1, dbPath, storePath });
    expect(result).toMatchObject({ ok: true, spans: good.spans.length - 1, errors: 1 });
    const index = new IndexDb(dbPath);
    try {
      expect(index.queryErrors(0, 10).rows.map((row) => row.reason)).toEqual(['table spans, row 60: cannot index this span: Maximum call stack size exceeded']);
    } finally {
      index.close();
    }
  });
});
