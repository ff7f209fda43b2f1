/**
 * The Kitaru store reader beyond its golden fixtures: what the derived fields make of its
 * spans, every ZenML status, schemas older and leaner than the fixtures', paging, and reading
 * a span back with its raw row.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
// open-store first: it loads the reader registry, which imports the reader.
import { openStore } from '../../../../src/core/sources/stores/open-store';
import { kitaruStoreReader, normalizeResourceType } from '../../../../src/core/sources/stores/read-kitaru-store';
import type { StoreSpan } from '../../../../src/core/sources/stores/store-reader';
import { deriveSpanFields } from '../../../../src/core/semantics/derive-span-fields';
import { build as buildCompletedExecution } from '../../../fixtures/stores/kitaru-db/completed-execution.build';
import { build as buildFailedAndRunning } from '../../../fixtures/stores/kitaru-db/failed-and-running.build';
import { type BuildStore, readWholeStore, useStoreBuilder } from '../../../helpers/store-builder';

const makeStorePath = useStoreBuilder('tracelight-kitaru-');
/** Builds a store in a file, then opens it read-only as the engine does. */
const makeStore = (build: BuildStore) => new Database(makeStorePath(build), { readonly: true, fileMustExist: true });
const readAll = (db: Database.Database) => readWholeStore(kitaruStoreReader, db);




const byName = (spans: StoreSpan[], name: string) => {
  const found = spans.filter((entry) => entry.span.name === name);
  expect(found, name).toHaveLength(1);
  return found[0].span;
};

/** Only the columns the reader needs: what a leaner or older ZenML store may have. */
const MINIMAL_DDL = `
CREATE TABLE pipeline_run (id CHAR(32) NOT NULL PRIMARY KEY, name VARCHAR NOT NULL, status VARCHAR NOT NULL, start_time DATETIME, end_time DATETIME);
CREATE TABLE step_run (id CHAR(32) NOT NULL PRIMARY KEY, name VARCHAR NOT NULL, status VARCHAR NOT NULL, start_time DATETIME, end_time DATETIME,
  pipeline_run_id CHAR(32) NOT NULL);
`;

describe('derived fields of Kitaru spans', () => {
  const db = makeStore(buildCompletedExecution);
  const { spans } = readAll(db);
  afterAll(() => db.close());

  it('reads a checkpoint that logged its model and tokens as the LLM call, with its usage', () => {
    const fields = deriveSpanFields('call_model', byName(spans, 'call_model').attributes);
    expect(fields).toMatchObject({ spanType: 'llm', family: 'kitaru', model: 'gpt-4o', inputTokens: 9, outputTokens: 2, costUsd: 3 });
    expect(fields.provenance.find((p) => p.field === 'inputTokens')?.fromKey).toBe('kitaru.metadata.tokens.in');
    expect(fields.provenance.find((p) => p.field === 'costUsd')?.fromKey).toBe('kitaru.metadata.cost');
  });

  it('reads other checkpoints as checkpoints, and the execution as an agent (never counted as LLM usage)', () => {
    expect(deriveSpanFields('plan', byName(spans, 'plan').attributes)).toMatchObject({ spanType: 'checkpoint', family: 'kitaru' });
    const root = spans.find((entry) => entry.pointer.table === 'pipeline_run')!.span;
    const fields = deriveSpanFields(root.name, root.attributes);
    expect(fields).toMatchObject({ spanType: 'agent', family: 'kitaru', inputTokens: 120, outputTokens: 45, sessionKey: null });
  });

  it('reads tokens logged as input/output and prompt_tokens/completion_tokens', () => {
    const fields = deriveSpanFields('x', {
      'kitaru.span.kind': 'checkpoint',
      'kitaru.metadata.tokens.prompt_tokens': 800,
      'kitaru.metadata.tokens.completion_tokens': 150,
    });
    expect(fields).toMatchObject({ spanType: 'llm', inputTokens: 800, outputTokens: 150 });
    expect(deriveSpanFields('x', { 'kitaru.span.kind': 'checkpoint', 'kitaru.metadata.tokens.input': 5, 'kitaru.metadata.tokens.output': 1 })).toMatchObject({
      inputTokens: 5,
      outputTokens: 1,
    });
  });
});

describe('statuses (Kitaru: running, waiting, completed, failed, cancelled)', () => {
  const cases: [string, string | undefined, 'unset' | 'ok' | 'error', string | null][] = [
    ['initializing', 'running', 'unset', null],
    ['provisioning', 'running', 'unset', null],
    ['running', 'running', 'unset', null],
    ['retrying', 'running', 'unset', null],
    ['paused', 'waiting', 'unset', null],
    ['completed', 'completed', 'ok', null],
    ['cached', 'completed', 'ok', null],
    ['skipped', 'completed', 'ok', null],
    ['failed', 'failed', 'error', null],
    ['retried', 'failed', 'error', 'retried'],
    ['stopped', 'cancelled', 'error', 'stopped'],
    ['stopping', 'cancelled', 'error', 'stopping'],
    ['COMPLETED', 'completed', 'ok', null],
    ['something_new', undefined, 'unset', null],
  ];
  const db = makeStore((writer) => {
    writer.exec(MINIMAL_DDL);
    writer.exec('CREATE TABLE run_metadata (id CHAR(32) NOT NULL PRIMARY KEY, "key" VARCHAR NOT NULL, value TEXT NOT NULL, created DATETIME NOT NULL)');
    writer.prepare(`INSERT INTO pipeline_run VALUES ('00000000000000000000000000000a01', 'run', 'running', '2026-03-02 10:00:00', NULL)`).run();
    const insert = writer.prepare(`INSERT INTO step_run VALUES (?, ?, ?, '2026-03-02 10:00:00', NULL, '00000000000000000000000000000a01')`);
    cases.forEach(([status], i) => insert.run(`0000000000000000000000000000b${String(i).padStart(3, '0')}`, `step_${i}`, status));
  });
  const { spans, errors } = readAll(db);
  afterAll(() => db.close());

  for (const [index, [zenmlStatus, kitaruStatus, status, message]] of cases.entries()) {
    it(`${zenmlStatus} → ${kitaruStatus ?? 'no Kitaru status'}, ${status}`, () => {
      const span = byName(spans, `step_${index}`);
      expect(span.status).toBe(status);
      expect(span.statusMessage).toBe(message);
      expect(span.attributes['zenml.status']).toBe(zenmlStatus);
      expect(span.attributes['kitaru.status']).toBe(kitaruStatus);
    });
  }

  it('marks cached and retried checkpoints', () => {
    expect(byName(spans, `step_${cases.findIndex(([s]) => s === 'cached')}`).attributes['kitaru.checkpoint.is_cached']).toBe(true);
    expect(byName(spans, `step_${cases.findIndex(([s]) => s === 'retried')}`).attributes['kitaru.checkpoint.is_retried']).toBe(true);
    expect(errors).toEqual([]);
  });
});

describe('resource types', () => {
  it.each([
    ['pipeline_run', 'pipeline_run'],
    ['PIPELINE_RUN', 'pipeline_run'],
    ['pipeline_runs', 'pipeline_run'],
    ['Pipeline-Runs', 'pipeline_run'],
    ['PipelineRun', 'pipeline_run'],
    ['step_run', 'step_run'],
    ['STEP_RUNS', 'step_run'],
    ['artifact_version', null],
    ['model_version', null],
    ['', null],
  ])('%s → %s', (text, kind) => expect(normalizeResourceType(text)).toBe(kind));
});

describe('schemas', () => {
  it('throws, naming table and column, when a required column is missing', () => {
    const db = makeStore((writer) =>
      writer.exec(`
        CREATE TABLE pipeline_run (id CHAR(32) PRIMARY KEY, name VARCHAR, status VARCHAR, start_time DATETIME, end_time DATETIME);
        CREATE TABLE step_run (id CHAR(32) PRIMARY KEY, name VARCHAR, status VARCHAR, start_time DATETIME, end_time DATETIME);
        CREATE TABLE run_metadata (id CHAR(32) PRIMARY KEY, "key" VARCHAR, value TEXT, created DATETIME);
      `),
    );
    try {
      expect(() => readAll(db)).toThrow(/step_run.*pipeline_run_id/);
      expect(() => kitaruStoreReader.readOne(db, { table: 'step_run', rowid: 1, index: 0 })).toThrow(/step_run.*pipeline_run_id/);
    } finally {
      db.close();
    }
  });

  it('reads a store with only the columns it uses, metadata keyed in run_metadata itself (ZenML 0.6x)', () => {
    const db = makeStore((writer) => {
      writer.exec(MINIMAL_DDL);
      writer.exec(`CREATE TABLE run_metadata (id CHAR(32) NOT NULL PRIMARY KEY, resource_id CHAR(32), resource_type VARCHAR(255),
        "key" VARCHAR NOT NULL, value TEXT NOT NULL, created DATETIME NOT NULL)`);
      writer.exec(`
        INSERT INTO pipeline_run VALUES ('00000000000000000000000000000a01', 'run', 'completed', '2026-03-02 10:00:00', '2026-03-02 10:00:05');
        INSERT INTO step_run VALUES ('00000000000000000000000000000b01', 'step', 'completed', '2026-03-02 10:00:01', '2026-03-02 10:00:02',
          '00000000000000000000000000000a01');
        INSERT INTO run_metadata VALUES ('00000000000000000000000000000c01', '00000000000000000000000000000b01', 'STEP_RUN', 'cost', '0.5', '2026-03-02 10:00:01.5');
        INSERT INTO run_metadata VALUES ('00000000000000000000000000000c02', '00000000000000000000000000000a01', 'pipeline_runs', 'cost', '2', '2026-03-02 10:00:04');
      `);
    });
    try {
      const { spans, errors } = readAll(db);
      expect(errors).toEqual([]);
      expect(byName(spans, 'step').attributes['kitaru.metadata.cost']).toBe(0.5);
      expect(byName(spans, 'run').attributes['kitaru.metadata.cost']).toBe(2);
      expect(byName(spans, 'step').links).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('reads metadata keyed by pipeline_run_id/step_run_id columns (ZenML before resource types)', () => {
    const db = makeStore((writer) => {
      writer.exec(MINIMAL_DDL);
      writer.exec(`CREATE TABLE run_metadata (id CHAR(32) NOT NULL PRIMARY KEY, pipeline_run_id CHAR(32), step_run_id CHAR(32),
        "key" VARCHAR NOT NULL, value TEXT NOT NULL, created DATETIME NOT NULL)`);
      writer.exec(`
        INSERT INTO pipeline_run VALUES ('00000000000000000000000000000a01', 'run', 'completed', '2026-03-02 10:00:00', '2026-03-02 10:00:05');
        INSERT INTO step_run VALUES ('00000000000000000000000000000b01', 'step', 'completed', '2026-03-02 10:00:01', '2026-03-02 10:00:02',
          '00000000000000000000000000000a01');
        INSERT INTO run_metadata VALUES ('00000000000000000000000000000c01', '00000000000000000000000000000a01', '00000000000000000000000000000b01',
          'model', '"gpt-4o"', '2026-03-02 10:00:01.5');
        INSERT INTO run_metadata VALUES ('00000000000000000000000000000c02', '00000000000000000000000000000a01', NULL, 'env', '"ci"', '2026-03-02 10:00:04');
      `);
    });
    try {
      const { spans } = readAll(db);
      expect(byName(spans, 'step').attributes).toMatchObject({ 'kitaru.metadata.model': 'gpt-4o' });
      expect(byName(spans, 'step').attributes['kitaru.metadata.env']).toBeUndefined();
      expect(byName(spans, 'run').attributes).toMatchObject({ 'kitaru.metadata.env': 'ci' });
      expect(byName(spans, 'run').attributes['kitaru.metadata.model']).toBeUndefined();
      const step = spans.find((entry) => entry.span.name === 'step')!;
      expect(kitaruStoreReader.readOne(db, step.pointer)?.span).toEqual(step.span);
    } finally {
      db.close();
    }
  });
});

describe('paging and reading back', () => {
  it('reads every row of tables larger than a page, and reads the last one back alone', () => {
    const stepCount = 4500;
    const db = makeStore((writer) => {
      writer.exec(MINIMAL_DDL);
      writer.exec('CREATE TABLE run_metadata (id CHAR(32) NOT NULL PRIMARY KEY, "key" VARCHAR NOT NULL, value TEXT NOT NULL, created DATETIME NOT NULL)');
      writer.exec('CREATE TABLE run_metadata_resource (id CHAR(32) PRIMARY KEY, resource_id CHAR(32), resource_type VARCHAR(255), run_metadata_id CHAR(32))');
      writer.prepare(`INSERT INTO pipeline_run VALUES ('00000000000000000000000000000a01', 'run', 'running', '2026-03-02 10:00:00', NULL)`).run();
      const step = writer.prepare(`INSERT INTO step_run VALUES (?, ?, 'completed', '2026-03-02 10:00:00', '2026-03-02 10:00:01', '00000000000000000000000000000a01')`);
      const metadata = writer.prepare(`INSERT INTO run_metadata VALUES (?, 'index', ?, '2026-03-02 10:00:00.5')`);
      const link = writer.prepare(`INSERT INTO run_metadata_resource VALUES (?, ?, 'step_run', ?)`);
      writer.transaction(() => {
        for (let i = 0; i < stepCount; i++) {
          const id = i.toString(16).padStart(32, '0');
          const metadataId = `c${i.toString(16).padStart(31, '0')}`;
          step.run(id, `step_${i}`);
          metadata.run(metadataId, String(i));
          link.run(`d${i.toString(16).padStart(31, '0')}`, id, metadataId);
        }
      })();
    });
    try {
      const { spans, errors } = readAll(db);
      expect(errors).toEqual([]);
      expect(spans).toHaveLength(stepCount + 1);
      const last = spans[spans.length - 1];
      expect(last.span.name).toBe(`step_${stepCount - 1}`);
      expect(last.span.attributes['kitaru.metadata.index']).toBe(stepCount - 1);
      expect(kitaruStoreReader.readOne(db, last.pointer)?.span).toEqual(last.span);
    } finally {
      db.close();
    }
  });

  it('gives the raw row with its JSON text decoded, and null for a row that is gone', () => {
    const db = makeStore(buildFailedAndRunning);
    try {
      const { spans } = readAll(db);
      const tool = spans.find((entry) => entry.span.name === 'call_tool')!;
      const detail = kitaruStoreReader.readOne(db, tool.pointer)!;
      expect(detail.span).toEqual(tool.span);
      expect(detail.raw).toMatchObject({ name: 'call_tool', status: 'failed', exception_info: { step_code_line: 41 } });
      expect(String((detail.raw.exception_info as { traceback: string }).traceback)).toContain('TimeoutError');
      expect(kitaruStoreReader.readOne(db, { table: 'step_run', rowid: 999, index: 0 })).toBeNull();
      expect(kitaruStoreReader.readOne(db, { table: 'run_metadata', rowid: 1, index: 0 })).toBeNull();
    } finally {
      db.close();
    }
  });

  it('is found by its table set and reads through a read-only connection', () => {
    const path = makeStorePath(buildCompletedExecution);
    const opened = openStore(path);
    if (!opened.ok) throw new Error(opened.reason);
    try {
      expect(opened.reader).toBe(kitaruStoreReader);
      expect(opened.db.readonly).toBe(true);
    } finally {
      opened.db.close();
    }
  });
});
