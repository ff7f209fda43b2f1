/**
 * Reading a big store whole stays linear in its rows: what a row's placement needs is read or
 * indexed once (per session, per run, per trace kept), never again for every row. Queries are
 * counted through the connection's `verbose` log; lookups done in memory are checked on big
 * stores for their results only (how fast is for `npm run bench`, never for a test).
 */
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../../src/core/sources/stores/open-store';
import { kavalaiStoreReader } from '../../../../src/core/sources/stores/read-kavalai-store';
import { kavalaiTasklogStoreReader } from '../../../../src/core/sources/stores/read-kavalai-tasklog-store';
import { kitelogikAuditStoreReader } from '../../../../src/core/sources/stores/read-kitelogik-audit-store';
import { mlflowStoreReader } from '../../../../src/core/sources/stores/read-mlflow-store';
import type { StoreReader, StoreRowError, StoreSpan } from '../../../../src/core/sources/stores/store-reader';
import { CURRENT_SCHEMA, createKavalaiSchema, insertRow, uuidHex } from '../../../fixtures/stores/kavalai-db/kavalai-ddl';
import { build as buildAssessments } from '../../../fixtures/stores/mlflow-db/assessments.build';
import { useStoreBuilder } from '../../../helpers/store-builder';

const makeStorePath = useStoreBuilder('tracelight-store-scaling-');


/** Reads a store whole through `reader`, logging every statement the connection runs. */
function readLogged(reader: StoreReader, path: string): { spans: StoreSpan[]; errors: StoreRowError[]; statements: string[] } {
  const statements: string[] = [];
  const db = new Database(path, { readonly: true, fileMustExist: true, verbose: (sql) => statements.push(String(sql)) });
  try {
    const spans: StoreSpan[] = [];
    const errors: StoreRowError[] = [];
    reader.readAll(db, (span) => spans.push(span), (error) => errors.push(error));
    return { spans, errors, statements };
  } finally {
    db.close();
  }
}

const count = (statements: string[], pattern: RegExp) => statements.filter((sql) => pattern.test(sql)).length;

describe('kavalai-db: a session\'s unattributed chat messages', () => {
  const RUNS = 40;
  const time = (run: number, second: number) => `2026-03-01 10:${String(run).padStart(2, '0')}:${String(second).padStart(2, '0')}.000000`;

  /** One session of RUNS runs, each with a message of its own and one the ORM wrote without a run. */
  function build(db: Database.Database, hasRunColumn: boolean): void {
    createKavalaiSchema(db, CURRENT_SCHEMA);
    if (!hasRunColumn) {
      // Before chat messages named their run.
      db.exec(`DROP TABLE chat_messages;
        CREATE TABLE chat_messages (id CHAR(32) NOT NULL, agent_id CHAR(32) NOT NULL, session_id CHAR(32) NOT NULL, role TEXT NOT NULL,
          content TEXT NOT NULL, created_at DATETIME, updated_at DATETIME, PRIMARY KEY (id));
        CREATE INDEX ix_chat_messages_session_id ON chat_messages (session_id);`);
    }
    const agent = uuidHex('a', 1);
    const session = uuidHex('5e', 1);
    insertRow(db, 'agents', { id: agent, name: 'Concierge' });
    insertRow(db, 'sessions', { id: session, agent_id: agent });
    for (let run = 0; run < RUNS; run++) {
      const id = uuidHex('7', run);
      insertRow(db, 'runs', { id, session_id: session, output_data: '"done"', duration_seconds: 30, created_at: time(run, 0) });
      const own = { agent_id: agent, session_id: session, role: 'assistant', content: `answer ${run}`, created_at: time(run, 20) };
      insertRow(db, 'chat_messages', hasRunColumn ? { ...own, id: uuidHex('c', run), run_id: id } : { ...own, id: uuidHex('c', run) });
      insertRow(db, 'chat_messages', { id: uuidHex('d', run), agent_id: agent, session_id: session, role: 'user', content: `question ${run}`, created_at: time(run, 1) });
    }
  }

  it.each([
    ['with run_id, reads the messages without one once for the session', true, /FROM chat_messages WHERE run_id IS NULL AND session_id = /],
    ['without run_id, reads the session\'s messages once', false, /FROM chat_messages WHERE session_id = /],
  ])('%s, not once per run', (_name, hasRunColumn, sessionQuery) => {
    const path = makeStorePath((db) => build(db, hasRunColumn));
    const { spans, errors, statements } = readLogged(kavalaiStoreReader, path);
    expect(errors).toEqual([]);
    const roots = spans.filter(({ pointer }) => pointer.table === 'runs').map(({ span }) => span.attributes);
    expect(roots).toHaveLength(RUNS);
    roots.forEach((attributes, run) => {
      expect(attributes['gen_ai.input.messages']).toBe(JSON.stringify([{ role: 'user', content: `question ${run}` }]));
      expect(attributes['gen_ai.output.messages']).toBe(JSON.stringify([{ role: 'assistant', content: `answer ${run}` }]));
    });
    expect(count(statements, sessionQuery)).toBe(1);
    // Reading one run back finds the same messages.
    const opened = openStore(path);
    if (!opened.ok) throw new Error(opened.reason);
    try {
      for (const { span, pointer } of spans.filter(({ pointer }) => pointer.table === 'runs')) expect(opened.reader.readOne(opened.db, pointer)?.span).toEqual(span);
    } finally {
      opened.db.close();
    }
  });
});

describe('mlflow-db: locating the traces assessments hang under', () => {
  it('locates each trace once while assessments of a few traces at a time interleave, past the traces kept', () => {
    const TRACES = 40;
    const WINDOW = 4;
    const path = makeStorePath((db) => {
      buildAssessments(db);
      const info = db.prepare("INSERT INTO trace_info VALUES (?, 1, ?, 500, 'OK', NULL, NULL, NULL)");
      const assessment = db.prepare(
        `INSERT INTO assessments (assessment_id, trace_id, name, assessment_type, value, created_timestamp, last_updated_timestamp, source_type, valid)
         VALUES (?, ?, 'relevance', 'feedback', '0.5', 1778500000000, 1778500000000, 'LLM_JUDGE', 1)`,
      );
      const traceId = (n: number) => `tr-${n.toString(16).padStart(32, '0')}`;
      for (let n = 0; n < TRACES; n++) info.run(traceId(n), 1778500000000 + n * 1000);
      // A judge grading traces as they finish: each new trace's assessment, then one more for each of the few before it.
      let next = 0;
      for (let n = 0; n < TRACES; n++) {
        for (let back = Math.max(0, n - WINDOW + 1); back <= n; back++) assessment.run(`a-scaling-${next++}`, traceId(back));
      }
    });
    const db = new Database(path, { readonly: true });
    const { traces } = db.prepare('SELECT COUNT(DISTINCT t.rowid) AS traces FROM assessments a JOIN trace_info t ON t.request_id = a.trace_id').get() as { traces: number };
    db.close();

    const { spans, statements } = readLogged(mlflowStoreReader, path);
    expect(spans.filter(({ pointer }) => pointer.table === 'assessments').length).toBeGreaterThan(TRACES * (WINDOW - 1));
    expect(count(statements, /FROM trace_info t WHERE t\.rowid = /)).toBe(traces);
  });
});

/** kitelogik's audit_log (FORMATS.md §5.4), indexes as AuditStore creates them. */
const AUDIT_DDL = `
CREATE TABLE audit_log (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, tool_name TEXT NOT NULL, args_json TEXT NOT NULL,
  policy_decision_json TEXT NOT NULL, policy_version TEXT, hitl_action_id TEXT, hitl_decided_by TEXT, outcome TEXT NOT NULL,
  timestamp TEXT NOT NULL, context_json TEXT);
CREATE INDEX idx_audit_session ON audit_log(session_id);`;

const auditTime = (second: number) => new Date(Date.UTC(2026, 10, 20, 10) + second * 1000).toISOString().replace('Z', '+00:00');

describe('kitelogik-audit-db: a delegated session\'s links to its parent', () => {
  /** A parent session and a child session of `rows` rows each, interleaved in time; `delegated`: the child names its parent. */
  function build(db: Database.Database, rows: number, delegated: boolean): void {
    db.exec(AUDIT_DDL);
    const insert = db.prepare(
      `INSERT INTO audit_log (id, session_id, tool_name, args_json, policy_decision_json, outcome, timestamp, context_json)
       VALUES (?, ?, 'shell.exec', '{}', '{"allow": true, "deny": false, "risk_tier": "OPERATIONAL"}', 'allowed', ?, ?)`,
    );
    for (let i = 0; i < rows; i++) insert.run(`p${i}`, 'parent', auditTime(2 * i), JSON.stringify({ session_id: 'parent' }));
    const context = JSON.stringify(delegated ? { session_id: 'child', parent_session_id: 'parent' } : { session_id: 'child' });
    for (let i = 0; i < rows; i++) insert.run(`c${i}`, 'child', auditTime(2 * i + 1), context);
  }

  it('links each row to the parent\'s latest row at or before it (else its first)', () => {
    const path = makeStorePath((db) => {
      build(db, 3, true);
      const insert = db.prepare(
        `INSERT INTO audit_log (id, session_id, tool_name, args_json, policy_decision_json, outcome, timestamp, context_json)
         VALUES (?, ?, 'shell.exec', '{}', '{"allow": true}', 'allowed', ?, ?)`,
      );
      const child = JSON.stringify({ session_id: 'child', parent_session_id: 'parent' });
      insert.run('early', 'child', auditTime(-5), child);
      insert.run('untimed', 'child', 'not a time', child);
      insert.run('p-untimed', 'parent', 'not a time', JSON.stringify({ session_id: 'parent' }));
      insert.run('tie', 'child', auditTime(4), child);
    });
    const { spans } = readLogged(kitelogikAuditStoreReader, path);
    const links = Object.fromEntries(
      spans.filter(({ span }) => span.links.length > 0).map(({ span }) => [span.attributes['kitelogik.audit.id'], span.links[0].spanId]),
    );
    expect(links).toEqual({ c0: 'p0', c1: 'p1', c2: 'p2', early: 'p0', untimed: 'p0', tie: 'p2' });
  });

  it('links every child of a 20,000-row parent session (speed is the bench\'s business, not a test\'s)', () => {
    const ROWS = 20_000;
    const linked = makeStorePath((db) => db.transaction(() => build(db, ROWS, true))());
    const { spans } = readLogged(kitelogikAuditStoreReader, linked);
    expect(spans[ROWS + 1234].span.links[0].spanId).toBe('p1234');
  }, 60_000);
});

/** SqliteTaskLogger's tables with the later columns that place rows: `parent_task_name`, and `run_id` on calls. */
const TASKLOG_DDL = `
CREATE TABLE tasks (id TEXT PRIMARY KEY, agent_id TEXT, session_id TEXT, run_id TEXT, name TEXT, node_type TEXT, parent_task_name TEXT,
  inputs TEXT, output TEXT, prompt TEXT, errors TEXT, duration_seconds REAL);
CREATE TABLE model_call_stats (id TEXT PRIMARY KEY, call_type TEXT NOT NULL, model TEXT, agent_id TEXT, run_id TEXT, request_data TEXT,
  response_data TEXT, response_code INTEGER, prompt_tokens INTEGER, completion_tokens INTEGER, total_tokens INTEGER, batch_size INTEGER,
  duration_seconds REAL);`;

describe('kavalai-tasklog-db: placing tool calls and model calls in their run', () => {
  /** `rows` tool calls, then the agent task that made them, and `rows` model calls: in one run, or each trio in its own run. */
  function build(db: Database.Database, rows: number, oneRun: boolean): void {
    db.exec(TASKLOG_DDL);
    const task = db.prepare('INSERT INTO tasks (id, run_id, name, node_type, parent_task_name, duration_seconds) VALUES (?, ?, ?, ?, ?, 0.5)');
    const call = db.prepare("INSERT INTO model_call_stats (id, call_type, model, run_id, response_code, prompt_tokens) VALUES (?, 'llm', 'openai/gpt-4o', ?, 200, 10)");
    const runOf = (i: number) => (oneRun ? 'run-0' : `run-${i}`);
    for (let i = 0; i < rows; i++) task.run(`tool-${i}`, runOf(i), 'search', 'tool_call', 'planner');
    if (oneRun) task.run('agent-0', 'run-0', 'planner', 'agent', null);
    else for (let i = 0; i < rows; i++) task.run(`agent-${i}`, runOf(i), 'planner', 'agent', null);
    if (oneRun) for (let i = 1; i < rows; i++) task.run(`other-${i}`, 'run-0', 'summarize', 'summary', null);
    for (let i = 0; i < rows; i++) call.run(`call-${i}`, runOf(i));
  }

  it('places 10,000 tool calls and model calls of one run under their agent task', () => {
    const ROWS = 10_000;
    const oneRun = makeStorePath((db) => db.transaction(() => build(db, ROWS, true))());
    const { spans, errors } = readLogged(kavalaiTasklogStoreReader, oneRun);
    expect(errors).toEqual([]);
    const parentOf = (id: string) => spans.find(({ span }) => span.attributes['kavalai.task_id'] === id || span.attributes['kavalai.model_call_id'] === id)?.span.parentSpanId;
    expect(parentOf('tool-0')).toBe('agent-0');
    expect(parentOf('call-0')).toBe('agent-0');
  }, 60_000);
});

describe('kavalai-db: placing a long run\'s tool calls and model calls', () => {
  const BASE_MS = Date.UTC(2026, 2, 1, 10);
  /** The ORM's DATETIME text, `ms` after the run's start. */
  const at = (ms: number) => new Date(BASE_MS + ms).toISOString().replace('T', ' ').replace('Z', '000');
  const agent = uuidHex('a', 1);
  const session = uuidHex('5e', 1);
  const run = uuidHex('7', 1);

  function writeRun(db: Database.Database): void {
    createKavalaiSchema(db, CURRENT_SCHEMA);
    insertRow(db, 'agents', { id: agent, name: 'Looper' });
    insertRow(db, 'sessions', { id: session, agent_id: agent });
    insertRow(db, 'runs', { id: run, session_id: session, output_data: '"done"', created_at: at(0) });
  }

  /**
   * Reference placements of the tool calls and model calls among `spans` (all of them unless
   * `only` names some), one scan of the run's tasks (in the order read) per row: the rules the reader keeps.
   */
  function expectedParents(spans: StoreSpan[], only?: ReadonlySet<string>): Map<string, string> {
    const tasks = spans.filter(({ pointer }) => pointer.table === 'tasks').map(({ span }) => span);
    const parents = new Map<string, string>();
    tasks.forEach((task, index) => {
      if (only && !only.has(task.spanId)) return;
      const parentName = task.attributes['kavalai.parent_task_name'];
      if (task.attributes['kavalai.node_type'] !== 'tool_call' || typeof parentName !== 'string' || parentName === '') return;
      const isParent = (other: (typeof tasks)[number]) => other.name === parentName && other.attributes['kavalai.node_type'] !== 'tool_call';
      const after = tasks.slice(index + 1).find(isParent);
      const before = tasks.slice(0, index).reverse().find(isParent);
      parents.set(task.spanId, (after ?? before)?.spanId ?? run);
    });
    for (const { span } of spans.filter(({ pointer }) => pointer.table === 'model_call_stats')) {
      if (only && !only.has(span.spanId)) continue;
      const types = span.attributes['kavalai.call_type'] === 'embedding' ? ['rag_query'] : ['llm', 'agent'];
      let best: (typeof tasks)[number] | null = null;
      for (const task of tasks) {
        if (!types.includes(String(task.attributes['kavalai.node_type'])) || task.startNs === null || task.endNs === null || span.endNs === null) continue;
        if (task.startNs > span.endNs || task.endNs < span.endNs) continue;
        if (best === null || task.endNs < best.endNs!) best = task;
      }
      parents.set(span.spanId, best?.spanId ?? run);
    }
    return parents;
  }

  it('places 10,000 tool calls and 10,000 model calls of one run (speed is the bench\'s business, not a test\'s)', () => {
    const STEPS = 5000;
    const path = makeStorePath((db) => {
      writeRun(db);
      const task = db.prepare('INSERT INTO tasks (id, session_id, run_id, name, node_type, seq, parent_task_name, created_at, duration_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
      const call = db.prepare('INSERT INTO model_call_stats (id, call_type, model, run_id, created_at) VALUES (?, ?, \'openai/gpt-5.4-mini\', ?, ?)');
      db.transaction(() => {
        // The agent task spans the whole loop; each step thinks in [i + 0.1 s, i + 0.9 s] and then calls a tool;
        // every tenth step queries its index in [i + 0.92 s, i + 0.98 s]. Written in reverse: seq is the order.
        for (let i = STEPS - 1; i >= 0; i--) {
          if (i % 10 === 0) task.run(uuidHex('ra9', i), session, run, 'lookup', 'rag_query', 3 * i + 2, null, at(1000 * i + 980), 0.06);
          // Every hundredth tool call names a task the run has not.
          task.run(uuidHex('7001', i), session, run, 'search', 'tool_call', 3 * i + 1, i % 100 === 50 ? 'nowhere' : 'think', at(1000 * i + 950), 0.01);
          task.run(uuidHex('7h1', i), session, run, 'think', 'llm', 3 * i, null, at(1000 * i + 900), 0.8);
        }
        task.run(uuidHex('a9e', 1), session, run, 'loop', 'agent', -1, null, at(1000 * STEPS), 1000 * STEPS / 1000);
        for (let i = 0; i < STEPS; i++) {
          // One call inside the step's thinking; then one in the gap before it (even steps), or an embedding as the index is queried (odd).
          call.run(uuidHex('ca11', 2 * i), 'llm', run, at(1000 * i + 500));
          if (i % 2 === 0) call.run(uuidHex('ca11', 2 * i + 1), 'llm', run, at(1000 * i + 50));
          else call.run(uuidHex('ca11', 2 * i + 1), 'embedding', run, at(1000 * (i - 1) + 950));
        }
      })();
    });
    const { spans, errors } = readLogged(kavalaiStoreReader, path);
    expect(errors).toEqual([]);
    expect(spans).toHaveLength(1 + 2 * STEPS + STEPS / 10 + 1 + 2 * STEPS);
    const parentOf = new Map(spans.map(({ span }) => [span.spanId, span.parentSpanId]));

    // A step's tool call: under the next step's thinking; the last one under the last thinking (none after it).
    expect(parentOf.get(uuidHex('7001', 0))).toBe(uuidHex('7h1', 1));
    expect(parentOf.get(uuidHex('7001', 1234))).toBe(uuidHex('7h1', 1235));
    expect(parentOf.get(uuidHex('7001', STEPS - 1))).toBe(uuidHex('7h1', STEPS - 1));
    expect(parentOf.get(uuidHex('7001', 150))).toBe(run);
    // A model call: under the thinking holding its end, else the agent task around everything.
    expect(parentOf.get(uuidHex('ca11', 2 * 4321))).toBe(uuidHex('7h1', 4321));
    expect(parentOf.get(uuidHex('ca11', 2 * 4320 + 1))).toBe(uuidHex('a9e', 1));
    // An embedding: under the index query holding its end, else the run's root.
    expect(parentOf.get(uuidHex('ca11', 2 * 4321 + 1))).toBe(uuidHex('ra9', 4320));
    expect(parentOf.get(uuidHex('ca11', 2 * 4323 + 1))).toBe(run);

    // A sample of the tool calls and model calls checked against the reference rules, and read back one at a time as readAll read it.
    const sample = spans.filter(({ span, pointer }, i) => i % 97 === 1 && (pointer.table === 'model_call_stats' || span.attributes['kavalai.node_type'] === 'tool_call'));
    expect(sample.length).toBeGreaterThan(100);
    const expected = expectedParents(spans, new Set(sample.map(({ span }) => span.spanId)));
    const opened = openStore(path);
    if (!opened.ok) throw new Error(opened.reason);
    try {
      for (const { span } of sample) expect(span.parentSpanId).toBe(expected.get(span.spanId));
      for (const { span, pointer } of sample.filter((_, i) => i % 20 === 0)) expect(opened.reader.readOne(opened.db, pointer)?.span).toEqual(span);
    } finally {
      opened.db.close();
    }
  }, 60_000);

  it('places rows among overlapping, tied and untimed windows as the reference rules do', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const path = makeStorePath((db) => {
      writeRun(db);
      const task = db.prepare('INSERT INTO tasks (id, session_id, run_id, name, node_type, seq, parent_task_name, created_at, duration_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
      const call = db.prepare('INSERT INTO model_call_stats (id, call_type, model, run_id, created_at, duration_seconds) VALUES (?, ?, \'openai/gpt-5.4-mini\', ?, ?, ?)');
      const types = ['llm', 'agent', 'rag_query', 'tool_call', 'tool_call', 'function'];
      const names = ['think', 'plan', 'search', 'lookup'];
      db.transaction(() => {
        for (let i = 0; i < 400; i++) {
          const type = types[random(types.length)];
          // Coarse times so windows tie and nest; some untimed, some without seq, some sharing a seq.
          const createdAt = random(20) === 0 ? null : at(100 * random(60));
          const seq = random(10) === 0 ? null : random(300);
          task.run(uuidHex('7a5c', i), session, run, names[random(names.length)], type, seq, type === 'tool_call' ? names[random(names.length)] : null, createdAt, random(8) * 0.1);
        }
        for (let i = 0; i < 400; i++) {
          call.run(uuidHex('ca11', i), random(3) === 0 ? 'embedding' : 'llm', run, random(20) === 0 ? null : at(50 * random(130)), random(3) * 0.05);
        }
      })();
    });
    const { spans, errors } = readLogged(kavalaiStoreReader, path);
    expect(errors).toEqual([]);
    const expected = expectedParents(spans);
    const placed = spans.filter(({ span }) => expected.has(span.spanId));
    expect(placed.length).toBeGreaterThan(400);
    expect(new Set(placed.map(({ span }) => span.parentSpanId)).size).toBeGreaterThan(50);
    for (const { span } of placed) expect([span.spanId, span.parentSpanId]).toEqual([span.spanId, expected.get(span.spanId)]);
  });
});
