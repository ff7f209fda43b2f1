/**
 * The Phoenix store reader beyond its golden fixtures: detection, WAL and read-only use,
 * paging past one page, schema problems named, rows that cannot be read, "show raw", and
 * annotations read as grades.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deriveSpanFields } from '../../../../src/core/semantics/derive-span-fields';
import { openStore } from '../../../../src/core/sources/stores/open-store';
import { phoenixStoreReader } from '../../../../src/core/sources/stores/read-phoenix-store';
import { build as buildAnnotations } from '../../../fixtures/stores/phoenix-db/annotations.build';
import { build as buildCurrent } from '../../../fixtures/stores/phoenix-db/current-schema.build';
import { build as buildInit } from '../../../fixtures/stores/phoenix-db/init-schema.build';
import { readWholeStore, useStoreBuilder } from '../../../helpers/store-builder';

const makeStore = useStoreBuilder('tracelight-phoenix-store-');
const readAll = (db: Database.Database) => readWholeStore(phoenixStoreReader, db);


function openReadOnly(path: string): Database.Database {
  const opened = openStore(path);
  if (!opened.ok) throw new Error(opened.reason);
  expect(opened.reader).toBe(phoenixStoreReader);
  return opened.db;
}


const sha1 = (path: string) => createHash('sha1').update(readFileSync(path)).digest('hex');

describe('phoenix-db detection', () => {
  it.each([
    ['current schema', buildCurrent],
    ['first schema', buildInit],
  ])('knows a %s store by its tables', (_name, build) => {
    const opened = openStore(makeStore(build));
    expect(opened.ok && opened.reader.format).toBe('phoenix-db');
    if (opened.ok) opened.db.close();
  });

  it('explains a database it does not know by its tables', () => {
    const path = makeStore((db) => db.exec('CREATE TABLE spans (id INTEGER); CREATE TABLE widgets (id INTEGER)'));
    expect(openStore(path)).toEqual({ ok: false, reason: 'not a run database Tracelight knows: tables spans, widgets' });
  });
});

describe('phoenix-db reading', () => {
  it('reads a WAL store read-only and leaves the database file as it was', () => {
    const path = makeStore(buildCurrent);
    // Byte 18 of the header is 2 when the database is in WAL mode.
    expect(readFileSync(path)[18]).toBe(2);
    const before = sha1(path);
    const db = openReadOnly(path);
    try {
      expect(readAll(db).spans).toHaveLength(4);
      expect(() => db.exec('DELETE FROM spans')).toThrow(/readonly/);
    } finally {
      db.close();
    }
    expect(sha1(path)).toBe(before);
  });

  it('reads every span of a store larger than one page, in rowid order', () => {
    const path = makeStore((db) => {
      buildInit(db);
      const insert = db.prepare(
        `INSERT INTO spans (id, trace_rowid, span_id, parent_id, name, span_kind, start_time, end_time, attributes, events, status_code,
           status_message, cumulative_error_count, cumulative_llm_token_count_prompt, cumulative_llm_token_count_completion)
         VALUES (?, 1, ?, '1111111111111111', 'step', 'CHAIN', '2024-06-01 12:00:00.200000', '2024-06-01 12:00:00.300000', '{}', '[]', 'OK', '', 0, 0, 0)`,
      );
      // Rowids with gaps, past two page boundaries.
      db.transaction(() => {
        for (let i = 0; i < 4100; i++) insert.run(10 + i * 3, `step-${i}`);
      })();
    });
    const db = openReadOnly(path);
    try {
      const { spans, errors } = readAll(db);
      expect(errors).toEqual([]);
      expect(spans).toHaveLength(4103);
      const rowids = spans.map((span) => span.pointer.rowid);
      expect(rowids).toEqual([...rowids].sort((a, b) => a - b));
      expect(spans.at(-1)!.span.spanId).toBe('step-4099');
    } finally {
      db.close();
    }
  });

  it('names the table and the column a store lacks', () => {
    const path = makeStore((db) => {
      buildInit(db);
      db.exec('ALTER TABLE spans DROP COLUMN attributes');
    });
    const db = openReadOnly(path);
    try {
      expect(() => readAll(db)).toThrow(/table spans has no column attributes/);
    } finally {
      db.close();
    }
  });

  it('reports a span whose trace row is gone and reads the others', () => {
    const path = makeStore((db) => {
      buildInit(db);
      // A trace deleted by something that does not cascade.
      db.pragma('foreign_keys = OFF');
      db.exec(
        `INSERT INTO spans (id, trace_rowid, span_id, parent_id, name, span_kind, start_time, end_time, attributes, events, status_code,
           status_message, cumulative_error_count, cumulative_llm_token_count_prompt, cumulative_llm_token_count_completion)
         VALUES (4, 9, '4444444444444444', NULL, 'orphan', 'CHAIN', '2024-06-01 12:00:00.000000', '2024-06-01 12:00:00.100000', '{}', '[]', 'OK', '', 0, 0, 0)`,
      );
    });
    const db = openReadOnly(path);
    try {
      const { spans, errors } = readAll(db);
      expect(spans).toHaveLength(3);
      expect(errors).toEqual([{ table: 'spans', rowid: 4, reason: 'trace_rowid 9 has no row in traces' }]);
      expect(phoenixStoreReader.readOne(db, { table: 'spans', rowid: 4, index: 0 })).toBeNull();
    } finally {
      db.close();
    }
  });
});

describe('phoenix-db readOne', () => {
  it('returns the span with its row, JSON columns decoded whether TEXT or BLOB', () => {
    const db = openReadOnly(makeStore(buildCurrent));
    try {
      const detail = phoenixStoreReader.readOne(db, { table: 'spans', rowid: 2, index: 0 });
      expect(detail?.span.attributes['llm.cost.total']).toBe(0.00123);
      expect(detail?.raw).toMatchObject({
        id: 2,
        span_id: '00f067aa0ba902b7',
        span_kind: 'LLM',
        start_time: '2026-05-11 08:02:17.250000',
        // Stored as binary JSONB, shown as the JSON it holds.
        attributes: { llm: { model_name: 'gpt-4o-mini', token_count: { prompt: 30, completion: 9, total: 39 } } },
        events: [],
        llm_token_count_prompt: 30,
      });
      const tool = phoenixStoreReader.readOne(db, { table: 'spans', rowid: 3, index: 0 });
      expect(tool?.raw.events).toEqual([
        {
          name: 'exception',
          timestamp: '2026-05-11T08:02:18.940000+00:00',
          attributes: { 'exception.type': 'TimeoutError', 'exception.message': 'upstream took too long', 'exception.escaped': false },
        },
      ]);
    } finally {
      db.close();
    }
  });

  it('returns null for a row that is gone, a bad row, and a pointer it never gave', () => {
    const db = openReadOnly(makeStore(buildCurrent));
    try {
      expect(phoenixStoreReader.readOne(db, { table: 'spans', rowid: 99, index: 0 })).toBeNull();
      expect(phoenixStoreReader.readOne(db, { table: 'spans', rowid: 5, index: 0 })).toBeNull();
      expect(phoenixStoreReader.readOne(db, { table: 'traces', rowid: 1, index: 0 })).toBeNull();
      expect(phoenixStoreReader.readOne(db, { table: 'spans', rowid: 1, index: 1 })).toBeNull();
    } finally {
      db.close();
    }
  });
});

describe('phoenix-db annotations', () => {
  it('shows span and trace annotations as graders with their scores', () => {
    const db = openReadOnly(makeStore(buildAnnotations));
    try {
      const grades = readAll(db)
        .spans.filter(({ pointer }) => pointer.table !== 'spans')
        .map(({ span }) => {
          const fields = deriveSpanFields(span.name, span.attributes);
          return [span.name, fields.spanType, fields.score];
        });
      expect(grades).toEqual([
        ['annotation correctness', 'grader', 1],
        ['annotation correctness', 'grader', 0],
        ['annotation relevance', 'grader', null],
        ['annotation user_feedback', 'grader', 1],
        ['annotation latency_ok', 'grader', 0.75],
        ['annotation completeness', 'grader', 0.5],
      ]);
    } finally {
      db.close();
    }
  });

  it('returns an annotation with its row, and null for one it never gave', () => {
    const db = openReadOnly(makeStore(buildAnnotations));
    try {
      const detail = phoenixStoreReader.readOne(db, { table: 'span_annotations', rowid: 3, index: 0 });
      expect(detail?.span).toMatchObject({ spanId: 'span-annotation-3', parentSpanId: 'c2d4e6f8a0b1c3d5' });
      // Metadata stored as binary JSONB, shown as the JSON it holds.
      expect(detail?.raw).toMatchObject({ id: 3, span_rowid: 3, label: 'relevant', metadata: { reviewed: true }, annotator_kind: 'HUMAN', source: 'APP' });
      expect(phoenixStoreReader.readOne(db, { table: 'trace_annotations', rowid: 2, index: 0 })?.span.parentSpanId).toBe('f0e1d2c3b4a59687');
      expect(phoenixStoreReader.readOne(db, { table: 'span_annotations', rowid: 4, index: 0 })).toBeNull();
      expect(phoenixStoreReader.readOne(db, { table: 'trace_annotations', rowid: 9, index: 0 })).toBeNull();
      expect(phoenixStoreReader.readOne(db, { table: 'span_annotations', rowid: 1, index: 1 })).toBeNull();
    } finally {
      db.close();
    }
  });

  it('returns null for an annotation table the store does not have', () => {
    const db = openReadOnly(makeStore(buildInit));
    try {
      expect(phoenixStoreReader.readOne(db, { table: 'span_annotations', rowid: 1, index: 0 })).toBeNull();
    } finally {
      db.close();
    }
  });

  it('reports an annotation table it cannot use once and still reads the spans', () => {
    const path = makeStore((db) => {
      buildAnnotations(db);
      db.exec('ALTER TABLE trace_annotations RENAME COLUMN trace_rowid TO project_rowid');
    });
    const db = openReadOnly(path);
    try {
      const { spans, errors } = readAll(db);
      expect(spans.filter(({ pointer }) => pointer.table === 'trace_annotations')).toEqual([]);
      expect(spans).toHaveLength(8);
      expect(errors).toContainEqual({ table: 'trace_annotations', rowid: null, reason: expect.stringMatching(/table trace_annotations has no column trace_rowid/) });
    } finally {
      db.close();
    }
  });
});
