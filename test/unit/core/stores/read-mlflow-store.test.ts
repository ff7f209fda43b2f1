/**
 * The MLflow store reader beyond its golden fixtures: detection, schema problems named,
 * "show raw" for spans rows, artifact spans and roots made from trace_info, a trace
 * whose spans arrive as rows after it was read, and assessments read as grades.
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../../src/core/sources/stores/open-store';
import { deriveSpanFields } from '../../../../src/core/semantics/derive-span-fields';
import { mlflowStoreReader } from '../../../../src/core/sources/stores/read-mlflow-store';
import type { StoreSpan } from '../../../../src/core/sources/stores/store-reader';
import { build as buildArtifacts } from '../../../fixtures/stores/mlflow-db/artifacts.build';
import { build as buildAssessments } from '../../../fixtures/stores/mlflow-db/assessments.build';
import { build as buildTrackingStore } from '../../../fixtures/stores/mlflow-db/tracking-store.build';
import { type BuildStore, readWholeStore, useStoreBuilder } from '../../../helpers/store-builder';

const makeStorePath = useStoreBuilder('tracelight-mlflow-store-');
/** A new store, in a folder of its own (artifact files are written next to it). */
const makeStore = (build: BuildStore) => makeStorePath(build, 'mlflow.db');
const readAll = (db: Database.Database) => readWholeStore(mlflowStoreReader, db);


function openReadOnly(path: string): Database.Database {
  const opened = openStore(path);
  if (!opened.ok) throw new Error(opened.reason);
  expect(opened.reader).toBe(mlflowStoreReader);
  return opened.db;
}


describe('mlflow-db detection', () => {
  it.each([
    ['with a spans table', buildTrackingStore],
    ['from before the spans table', buildArtifacts],
  ])('knows a store %s by its tables', (_name, build) => {
    const opened = openStore(makeStore(build));
    expect(opened.ok && opened.reader.format).toBe('mlflow-db');
    if (opened.ok) opened.db.close();
  });

  it('does not take trace_info alone for MLflow', () => {
    const path = makeStore((db) => db.exec('CREATE TABLE trace_info (request_id TEXT)'));
    expect(openStore(path)).toEqual({ ok: false, reason: 'not a run database Tracelight knows: tables trace_info' });
  });
});

describe('mlflow-db reading', () => {
  it('names the table and the column a store lacks', () => {
    const path = makeStore((db) => {
      buildTrackingStore(db);
      db.exec('ALTER TABLE spans RENAME COLUMN content TO body');
    });
    const db = openReadOnly(path);
    try {
      expect(() => readAll(db)).toThrow(/table spans has no column content/);
    } finally {
      db.close();
    }
  });

  it('reads the session of a trace onto every span, and each span back alone with its row', () => {
    const db = openReadOnly(makeStore(buildTrackingStore));
    try {
      const { spans } = readAll(db);
      const sessions = spans.filter(({ span }) => span.traceId === '5b8efff798038103d269b633813fc60c').map(({ span }) => span.attributes['session.id']);
      expect(sessions).toEqual(['chat-7', 'chat-7', 'chat-7']);

      const detail = mlflowStoreReader.readOne(db, { table: 'spans', rowid: 1, index: 0 });
      expect(detail?.raw).toMatchObject({
        trace_id: 'tr-5b8efff798038103d269b633813fc60c',
        span_id: 'a1b2c3d4e5f60718',
        parent_span_id: null,
        // 64-bit integers too large for a double are shown as their exact digits.
        start_time_unix_nano: '1778486537123456789',
        duration_ns: 1876543211,
        content: { span_id: 'obLD1OX2Bxg=', start_time_unix_nano: '1778486537123456789', status: { code: 'STATUS_CODE_OK' } },
      });
    } finally {
      db.close();
    }
  });

  it('shows a root made from trace_info with its tags and request metadata', () => {
    const db = openReadOnly(makeStore(buildTrackingStore));
    try {
      const detail = mlflowStoreReader.readOne(db, { table: 'trace_info', rowid: 3, index: 0 });
      expect(detail?.span.name).toBe('cancel_flow');
      expect(detail?.raw).toMatchObject({
        request_id: 'tr-c0ffee00c0ffee00c0ffee00c0ffee00',
        experiment_id: 1,
        timestamp_ms: 1778486700000,
        status: 'ERROR',
        client_request_id: 'client-7',
        request_preview: { question: 'cancel my order' },
        trace_tags: { 'mlflow.traceName': 'cancel_flow', 'mlflow.trace.spansLocation': 'ARTIFACT_REPO' },
        trace_request_metadata: { 'mlflow.trace.session': 'chat-7' },
      });
      expect(mlflowStoreReader.readOne(db, { table: 'trace_info', rowid: 3, index: 1 })).toBeNull();
      // A trace read from its spans rows yields nothing from trace_info.
      expect(mlflowStoreReader.readOne(db, { table: 'trace_info', rowid: 1, index: 0 })).toBeNull();
    } finally {
      db.close();
    }
  });

  it('shows a span read from an artifact traces.json with the span dict it came from', () => {
    const db = openReadOnly(makeStore(buildArtifacts));
    try {
      const detail = mlflowStoreReader.readOne(db, { table: 'trace_info', rowid: 1, index: 2 });
      expect(detail?.span.name).toBe('llm');
      expect(detail?.raw).toMatchObject({
        request_id: '7f3c2a1b9d8e4f6a8b7c6d5e4f3a2b1c',
        'traces.json span': { name: 'llm', context: { span_id: '0x2b3c4d5e6f708192' }, status_code: 'ERROR' },
      });
    } finally {
      db.close();
    }
  });

  it('no longer reads a trace from trace_info once its spans are rows', () => {
    const path = makeStore(buildTrackingStore);
    const db = openReadOnly(path);
    try {
      const pointer = { table: 'trace_info', rowid: 4, index: 0 };
      expect(mlflowStoreReader.readOne(db, pointer)?.span.spanId).toBe('tr-d00dfeedd00dfeedd00dfeedd00dfeed');
      const writer = new Database(path);
      writer
        .prepare(
          "INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status, start_time_unix_nano, end_time_unix_nano, content) VALUES (?, 0, 'abababababababab', NULL, 'late', NULL, 'UNSET', 1778486800000000000, NULL, ?)",
        )
        .run(
          'tr-d00dfeedd00dfeedd00dfeedd00dfeed',
          '{"trace_id": "0A3+7dAN/u3QDf7t0A3+7Q==", "span_id": "q6urq6urq6s=", "parent_span_id": null, "name": "late", "start_time_unix_nano": 1778486800000000000, "end_time_unix_nano": null, "events": [], "status": {"code": "STATUS_CODE_UNSET", "message": ""}, "attributes": {}}',
        );
      writer.close();
      expect(mlflowStoreReader.readOne(db, pointer)).toBeNull();
      const late = readAll(db).spans.find(({ span }) => span.name === 'late');
      expect(late?.pointer.table).toBe('spans');
      expect(late?.span).toMatchObject({ traceId: 'd00dfeedd00dfeedd00dfeedd00dfeed', spanId: 'abababababababab', endNs: null });
    } finally {
      db.close();
    }
  });
});

describe('mlflow-db assessments', () => {
  const gradeOf = (span: StoreSpan) => {
    const fields = deriveSpanFields(span.span.name, span.span.attributes);
    return { name: span.span.name, spanType: fields.spanType, score: fields.score };
  };

  it('shows every assessment as a grader; only valid feedback with a number or a boolean has a score', () => {
    const db = openReadOnly(makeStore(buildAssessments));
    try {
      const grades = readAll(db).spans.filter(({ pointer }) => pointer.table === 'assessments').map(gradeOf);
      expect(grades).toEqual([
        { name: 'feedback relevance', spanType: 'grader', score: 0.8 },
        { name: 'feedback user_satisfied', spanType: 'grader', score: 1 },
        { name: 'expectation expected_response', spanType: 'grader', score: null },
        { name: 'feedback tool_call_correct', spanType: 'grader', score: null },
        { name: 'feedback safety', spanType: 'grader', score: null },
        // Overridden (marked invalid), then the feedback that overrides it.
        { name: 'feedback conciseness', spanType: 'grader', score: null },
        { name: 'feedback conciseness', spanType: 'grader', score: 0.9 },
        { name: 'feedback guidelines', spanType: 'grader', score: null },
        { name: 'feedback faithfulness', spanType: 'grader', score: 1 },
        { name: 'feedback resolved', spanType: 'grader', score: 0 },
        { name: 'expectation expected_facts', spanType: 'grader', score: null },
      ]);
    } finally {
      db.close();
    }
  });

  it('returns an assessment with its row, JSON columns decoded', () => {
    const db = openReadOnly(makeStore(buildAssessments));
    try {
      const detail = mlflowStoreReader.readOne(db, { table: 'assessments', rowid: 5, index: 0 });
      expect(detail?.span).toMatchObject({ name: 'feedback safety', parentSpanId: 'aa00bb11cc22dd33', status: 'unset' });
      expect(detail?.raw).toMatchObject({
        assessment_id: 'a-00000000000000000000000000000005',
        value: 'null',
        error: { error_code: 'RATE_LIMIT_EXCEEDED', error_message: 'Rate limit for the judge exceeded.' },
        span_id: null,
        valid: 1,
      });
      expect(mlflowStoreReader.readOne(db, { table: 'assessments', rowid: 12, index: 0 })).toBeNull();
      expect(mlflowStoreReader.readOne(db, { table: 'assessments', rowid: 99, index: 0 })).toBeNull();
      expect(mlflowStoreReader.readOne(db, { table: 'assessments', rowid: 1, index: 1 })).toBeNull();
    } finally {
      db.close();
    }
  });

  it('reports an assessments table it cannot use once and still reads the spans', () => {
    const path = makeStore((db) => {
      buildAssessments(db);
      db.exec('ALTER TABLE assessments DROP COLUMN value');
    });
    const db = openReadOnly(path);
    try {
      const { spans, errors } = readAll(db);
      expect(spans.map(({ pointer }) => pointer.table)).toEqual(['spans', 'spans', 'spans', 'trace_info', 'trace_info']);
      expect(errors).toEqual([{ table: 'assessments', rowid: null, reason: expect.stringMatching(/table assessments has no column value/) }]);
      expect(mlflowStoreReader.readOne(db, { table: 'assessments', rowid: 1, index: 0 })).toBeNull();
    } finally {
      db.close();
    }
  });
});
