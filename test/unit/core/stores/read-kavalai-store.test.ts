/**
 * The kavalai readers (ORM store and task-logger file) beyond their golden fixtures: what the
 * derived fields and the conversation extractor make of their spans, detection order,
 * required columns, paging, and reading a span back with its raw row.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
// open-store first: it loads the reader registry, which imports the readers.
import { openStore } from '../../../../src/core/sources/stores/open-store';
import { findStoreReader } from '../../../../src/core/sources/stores/store-readers';
import { kavalaiStoreReader, splitModel, toKavalaiId } from '../../../../src/core/sources/stores/read-kavalai-store';
import { kavalaiTasklogStoreReader } from '../../../../src/core/sources/stores/read-kavalai-tasklog-store';
import { deriveSpanFields } from '../../../../src/core/semantics/derive-span-fields';
import { extractConversation } from '../../../../src/core/semantics/extract-conversation';
import { build as buildSupportDesk } from '../../../fixtures/stores/kavalai-db/support-desk.build';
import { CURRENT_SCHEMA, createKavalaiSchema, insertRow, pyJson, uuidHex } from '../../../fixtures/stores/kavalai-db/kavalai-ddl';
import { build as buildTasklog } from '../../../fixtures/stores/kavalai-tasklog-db/tasklog.build';
import { CURRENT_SCHEMA as TASKLOG_SCHEMA } from '../../../fixtures/stores/kavalai-tasklog-db/tasklog-ddl';
import { readWholeStore, useStoreBuilder } from '../../../helpers/store-builder';

const makeStorePath = useStoreBuilder('tracelight-kavalai-');
const readAll = readWholeStore;



/** Builds a store in a file, then opens it read-only as the engine does. */
const makeStore = (build: (db: Database.Database) => void) => new Database(makeStorePath(build), { readonly: true, fileMustExist: true });


describe('derived fields of kavalai ORM spans', () => {
  const db = makeStore(buildSupportDesk);
  const { spans } = readAll(kavalaiStoreReader, db);
  afterAll(() => db.close());
  const fieldsOf = (table: string, rowid: number) => {
    const found = spans.find((entry) => entry.pointer.table === table && entry.pointer.rowid === rowid)!;
    return deriveSpanFields(found.span.name, found.span.attributes);
  };

  it('types runs, tasks by node type, and model calls, all as the kavalai family', () => {
    const types = spans.map(({ span }) => [span.name, deriveSpanFields(span.name, span.attributes).spanType]);
    expect(types).toEqual([
      ['Pub concierge', 'agent'],
      ['start', 'node'],
      ['classify', 'llm'],
      ['opening_hours', 'tool'],
      ['events', 'tool'],
      ['gather', 'node'],
      ['search_menu', 'tool'],
      ['reply', 'agent'],
      ['end', 'node'],
      ['llm openai/gpt-5.4-mini', 'llm'],
      ['llm anthropic/claude-sonnet-4-5', 'llm'],
      ['llm anthropic/claude-sonnet-4-5', 'llm'],
      ['Pub concierge', 'agent'],
      ['start', 'node'],
      ['classify', 'llm'],
      ['llm openai/gpt-5.4-mini', 'llm'],
      ['llm openai/gpt-5.4-mini', 'llm'],
    ]);
    expect(new Set(spans.map(({ span }) => deriveSpanFields(span.name, span.attributes).family))).toEqual(new Set(['kavalai']));
  });

  it('reads a model call\'s provider, model and tokens from its own kavalai keys', () => {
    const fields = fieldsOf('model_call_stats', 1);
    expect(fields).toMatchObject({ spanType: 'llm', model: 'gpt-5.4-mini', provider: 'openai', inputTokens: 812, outputTokens: 9, sessionKey: uuidHex('5e55', 1) });
    const from = Object.fromEntries(fields.provenance.map((p) => [p.field, p.fromKey]));
    expect(from).toMatchObject({ spanType: 'kavalai.call_type', model: 'kavalai.model_name', provider: 'kavalai.provider', inputTokens: 'kavalai.prompt_tokens', outputTokens: 'kavalai.completion_tokens', session: 'kavalai.session_id' });
  });

  it('never adds cached or reasoning tokens: LLM usage is the sum of the model calls\' prompt and completion counts', () => {
    let input = 0;
    let output = 0;
    for (const { span } of spans) {
      const fields = deriveSpanFields(span.name, span.attributes);
      if (fields.spanType === 'llm') {
        input += fields.inputTokens ?? 0;
        output += fields.outputTokens ?? 0;
      }
    }
    expect([input, output]).toEqual([812 + 1530 + 1610, 9 + 48 + 22]);
  });

  it('names the session on every run, task and call of the conversation', () => {
    for (const { span } of spans) expect(deriveSpanFields(span.name, span.attributes).sessionKey, span.name).toBe(uuidHex('5e55', 1));
  });

  it('gives the run root its chat messages as a conversation', () => {
    const root = spans[0].span;
    expect(extractConversation(root.attributes)).toEqual({
      messages: [
        { role: 'user', parts: [{ type: 'text', text: 'Is the pub open on Sundays?' }], direction: 'input' },
        { role: 'assistant', parts: [{ type: 'text', text: 'From noon on Sundays.' }], direction: 'output' },
      ],
      fromKeys: ['gen_ai.input.messages', 'gen_ai.output.messages'],
    });
  });
});

describe('detection', () => {
  it('tells the ORM store from the task logger\'s file by its tables', () => {
    expect(findStoreReader(new Set(['agents', 'sessions', 'runs', 'tasks', 'chat_messages', 'model_call_stats']))?.format).toBe('kavalai-db');
    expect(findStoreReader(new Set(['tasks', 'model_call_stats']))?.format).toBe('kavalai-tasklog-db');
    expect(findStoreReader(new Set(['tasks']))).toBeNull();
  });

  it('opens a task-logger file as one', () => {
    const opened = openStore(makeStorePath(buildTasklog));
    if (!opened.ok) throw new Error(opened.reason);
    expect(opened.reader.format).toBe('kavalai-tasklog-db');
    opened.db.close();
  });
});

describe('stores the readers cannot read', () => {
  it('names the table and column an ORM store lacks', () => {
    const db = makeStore((writer) =>
      writer.exec(`CREATE TABLE runs (id CHAR(32), session_id CHAR(32)); CREATE TABLE tasks (id CHAR(32), run_id CHAR(32));
        CREATE TABLE model_call_stats (id CHAR(32)); CREATE TABLE chat_messages (session_id CHAR(32), role TEXT, content TEXT);`),
    );
    expect(() => readAll(kavalaiStoreReader, db)).toThrow(/table runs has no column created_at/);
    db.close();
  });

  it('names the table and column a task-logger file lacks', () => {
    const db = makeStore((writer) => writer.exec(TASKLOG_SCHEMA.replace('    run_id TEXT,\n', '')));
    expect(() => readAll(kavalaiTasklogStoreReader, db)).toThrow(/table tasks has no column run_id/);
    db.close();
  });
});

describe('reading in pages', () => {
  it('reads a run\'s tasks in seq order, and loose model calls over more than one page', () => {
    const run = uuidHex('bead', 1);
    const db = makeStore((writer) => {
      createKavalaiSchema(writer, CURRENT_SCHEMA);
      insertRow(writer, 'agents', { id: uuidHex('a9e47', 1), name: 'Looper' });
      insertRow(writer, 'sessions', { id: uuidHex('5e55', 1), agent_id: uuidHex('a9e47', 1) });
      insertRow(writer, 'runs', { id: run, session_id: uuidHex('5e55', 1), output_data: pyJson({ ok: true }), created_at: '2026-01-01 00:00:00.000000', duration_seconds: 10 });
      const insert = writer.prepare('INSERT INTO tasks (id, session_id, run_id, name, node_type, seq, created_at, duration_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      writer.transaction(() => {
        // Written in reverse: seq, not rowid, is the order.
        for (let i = 2499; i >= 0; i--) insert.run(uuidHex('7a5c', i), uuidHex('5e55', 1), run, `step ${i}`, 'function', i, '2026-01-01 00:00:01.000000', 0.001);
      })();
      const insertCall = writer.prepare("INSERT INTO model_call_stats (id, call_type, model, created_at) VALUES (?, 'llm', 'openai/gpt-5.4-mini', '2026-01-01 00:00:02.000000')");
      writer.transaction(() => {
        for (let i = 0; i < 2100; i++) insertCall.run(uuidHex('ca11', i));
      })();
    });
    const { spans, errors } = readAll(kavalaiStoreReader, db);
    expect(errors).toEqual([]);
    expect(spans).toHaveLength(1 + 2500 + 2100);
    expect(spans.slice(1, 2501).map(({ span }) => span.name)).toEqual(Array.from({ length: 2500 }, (_, i) => `step ${i}`));
    expect(new Set(spans.slice(2501).map(({ span }) => span.traceId))).toEqual(new Set(['kavalai-agent-unknown']));
    db.close();
  });
});

describe('reading one span back', () => {
  const db = makeStore(buildSupportDesk);
  afterAll(() => db.close());

  it('returns the task with its row, JSON columns decoded', () => {
    const detail = kavalaiStoreReader.readOne(db, { table: 'tasks', rowid: 6, index: 0 });
    expect(detail?.span.parentSpanId).toBe(uuidHex('7a5c', 7));
    expect(detail?.raw).toMatchObject({ id: uuidHex('7a5c', 6), node_type: 'tool_call', parent_task_name: 'reply', inputs: { query: 'sunday roast' }, seq: 5 });
  });

  it('returns null for a row that is not there or a table it does not read', () => {
    expect(kavalaiStoreReader.readOne(db, { table: 'tasks', rowid: 999, index: 0 })).toBeNull();
    expect(kavalaiStoreReader.readOne(db, { table: 'chat_messages', rowid: 1, index: 0 })).toBeNull();
  });
});

describe('task-logger spans', () => {
  const db = makeStore(buildTasklog);
  const { spans } = readAll(kavalaiTasklogStoreReader, db);
  afterAll(() => db.close());

  it('have no times but a finished status, so none is drawn as running', () => {
    for (const { span } of spans) {
      expect([span.startNs, span.endNs]).toEqual([null, null]);
      expect(span.status).not.toBe('unset');
    }
  });

  it('group tasks by run, whatever order they landed in', () => {
    const runA = toKavalaiId('bead0000-0000-4000-a000-000000000007');
    expect(spans.filter(({ span }) => span.traceId === runA).map(({ span }) => span.name)).toEqual(['start', 'classify', 'lookup_invoice', 'resolve', 'end']);
  });
});

describe('ids and model names', () => {
  it.each([
    ['bead0000-0000-4000-A000-000000000007', 'bead000000004000a000000000000007'],
    ['BEAD000000004000A000000000000007', 'bead000000004000a000000000000007'],
    [Buffer.from('bead000000004000a000000000000007', 'hex'), 'bead000000004000a000000000000007'],
  ])('%s → %s', (raw, id) => expect(toKavalaiId(raw)).toBe(id));

  it.each([
    ['openai/gpt-5.4-mini', 'openai', 'gpt-5.4-mini'],
    ['openrouter/anthropic/claude-sonnet-4-5', 'openrouter', 'anthropic/claude-sonnet-4-5'],
    ['gpt-4o', null, 'gpt-4o'],
    ['/gpt-4o', null, '/gpt-4o'],
  ])('%s → provider %s, model %s', (model, provider, modelName) => expect(splitModel(model)).toEqual({ provider, modelName }));
});
