/**
 * Kaval.AI's `SqliteTaskLogger` database (FORMATS.md §5.5): only `tasks` and
 * `model_call_stats`, dashed TEXT UUIDs, JSON as text, no timestamps and no `seq`. Writes are
 * fire-and-forget, so rowid order is the only order there is, and rows can land late.
 *
 * Mapping:
 * - the tasks of one `run_id` form a trace (trace id = the run id without dashes); with no
 *   runs table there is no run span, so each task is a root of its run's trace, in rowid
 *   order. The session is the task's `session_id` (`kavalai.session_id`);
 * - a `tool_call` row hangs under the agent task that made it: the task named by its
 *   `parent_task_name` when the column exists (the first of that name after it in the run,
 *   else the last before), otherwise the first `agent` task after it in the run (an agent
 *   node is logged when it finishes, after its tool calls);
 * - a model call names only its agent, and the two tables share no order (each has its own
 *   rowids), so calls are roots of their agent's trace, `kavalai-agent-<agent id>`. A store
 *   whose `model_call_stats` has a `run_id` column puts a call in its run's trace, under the
 *   run's one `llm`/`agent` task (`rag_query` for embeddings) when there is exactly one;
 *   `kavalai.parent_by` says how a parent was found;
 * - times are null (spans keep their order; durations stay in `kavalai.duration_seconds`), and
 *   status is `ok` or `error`, so a finished row is never drawn as running.
 *
 * Old versions lack `cached_prompt_tokens` and `reasoning_tokens`; columns are introspected.
 */
import type Database from 'better-sqlite3';
import type { NormalizedSpan } from '../../ingest/normalized-span';
import { readColumnNames } from './read-store-schema';
import {
  looseTraceId,
  makeKavalaiSpan,
  readModelCallFields,
  readPointedRow,
  readTaskFields,
  toKavalaiId,
  toRawRow,
  type Row,
} from './read-kavalai-store';
import type { StorePointer, StoreReader, StoreRowError, StoreSpan, StoreSpanDetail } from './store-reader';
import { forEachRowPage, PAGE_ROWS, readText, requireColumns } from './store-row-values';

const TASKS = 'tasks';
const CALLS = 'model_call_stats';

interface Schema {
  tasks: Set<string>;
  calls: Set<string>;
}

function readSchema(db: Database.Database): Schema {
  const tasks = readColumnNames(db, TASKS);
  requireColumns(TASKS, tasks, ['id', 'run_id']);
  const calls = readColumnNames(db, CALLS);
  requireColumns(CALLS, calls, ['id']);
  return { tasks, calls };
}

const isBlank = (value: unknown) => value === null || value === undefined || value === '';

/** What placing rows needs to know of a task. */
interface TaskRef {
  rowid: number;
  id: unknown;
  runId: unknown;
  nodeType: string | null;
  name: string | null;
}

/** A nullable text column as a map key (`IS`-equality: NULL matches NULL). */
const keyOf = (value: unknown): string => (value === null || value === undefined ? '\u0000null' : `=${readText(value) ?? ''}`);

function toTaskRef(row: Row): TaskRef {
  return {
    rowid: Number(row.row_id),
    id: row.id,
    runId: row.run_id,
    nodeType: readText(row.node_type),
    name: readText(row.name),
  };
}

/** Index of the first ref with a rowid above `rowid` (refs are in rowid order). */
function firstAbove(refs: readonly TaskRef[], rowid: number): number {
  let low = 0;
  let high = refs.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (refs[mid].rowid > rowid) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** A run's tasks (in rowid order) indexed once for placing its rows: by name, agents, node types. */
class RunTasks {
  /** Tasks that are not tool calls, by name, in rowid order. */
  private readonly byName = new Map<string, TaskRef[]>();
  private readonly agents: TaskRef[] = [];
  /** The only task of a set of node types, or null for none or several. */
  private readonly onlyOfTypes = new Map<ReadonlySet<string>, TaskRef | null>();

  constructor(private readonly refs: readonly TaskRef[]) {
    for (const ref of refs) {
      if (ref.nodeType === 'agent') this.agents.push(ref);
      if (ref.nodeType === 'tool_call' || ref.name === null) continue;
      const named = this.byName.get(ref.name);
      if (named) named.push(ref);
      else this.byName.set(ref.name, [ref]);
    }
  }

  /** The first task named `name` (not a tool call) after `rowid`, else the last one before. */
  namedNear(name: string, rowid: number): TaskRef | null {
    const named = this.byName.get(name);
    if (!named) return null;
    const next = firstAbove(named, rowid);
    return named[next] ?? named[next - 1] ?? null;
  }

  /** The first agent task after `rowid`. */
  agentAfter(rowid: number): TaskRef | null {
    return this.agents[firstAbove(this.agents, rowid)] ?? null;
  }

  /** The run's one task of these node types; null with none or several. */
  onlyOf(types: ReadonlySet<string>): TaskRef | null {
    let only = this.onlyOfTypes.get(types);
    if (only === undefined) {
      const candidates = this.refs.filter((ref) => types.has(ref.nodeType ?? ''));
      only = candidates.length === 1 ? candidates[0] : null;
      this.onlyOfTypes.set(types, only);
    }
    return only;
  }
}

/**
 * Tasks grouped by run, each run indexed once: all of the store's (reading it whole) or only
 * the run one row needs (reading one span back).
 */
interface TaskRefs {
  ofRun(runId: unknown): RunTasks;
}

const selectRefColumns = (schema: Schema): string =>
  ['rowid AS row_id', 'id', 'run_id', schema.tasks.has('node_type') ? 'node_type' : 'NULL AS node_type', schema.tasks.has('name') ? 'name' : 'NULL AS name'].join(', ');

function readAllTaskRefs(db: Database.Database, schema: Schema, error: (problem: StoreRowError) => void): TaskRefs {
  const byRun = new Map<string, TaskRef[]>();
  forEachRowPage(db.prepare(`SELECT ${selectRefColumns(schema)} FROM tasks WHERE rowid > ? ORDER BY rowid LIMIT ${PAGE_ROWS}`), TASKS, error, (row) => {
    const ref = toTaskRef(row);
    const list = byRun.get(keyOf(ref.runId));
    if (list) list.push(ref);
    else byRun.set(keyOf(ref.runId), [ref]);
  });
  const indexed = new Map<string, RunTasks>();
  const none = new RunTasks([]);
  return {
    ofRun: (runId) => {
      const key = keyOf(runId);
      let run = indexed.get(key);
      if (!run) {
        const refs = byRun.get(key);
        if (!refs) return none;
        indexed.set(key, (run = new RunTasks(refs)));
        byRun.delete(key);
      }
      return run;
    },
  };
}

function readSomeTaskRefs(db: Database.Database, schema: Schema): TaskRefs {
  const statement = db.prepare(`SELECT ${selectRefColumns(schema)} FROM tasks WHERE run_id IS ? ORDER BY rowid`);
  statement.safeIntegers(true);
  return { ofRun: (runId) => new RunTasks((statement.all(runId ?? null) as Row[]).map(toTaskRef)) };
}

/** The agent task a tool call belongs to, and how it was found. */
function findToolCallParent(schema: Schema, refs: TaskRefs, task: TaskRef, parentName: string | null): [TaskRef, string] | null {
  const run = refs.ofRun(task.runId);
  if (schema.tasks.has('parent_task_name')) {
    if (parentName === null || parentName === '') return null;
    const parent = run.namedNear(parentName, task.rowid);
    return parent ? [parent, 'parent_task_name'] : null;
  }
  const agent = run.agentAfter(task.rowid);
  return agent ? [agent, 'rowid order'] : null;
}

const LLM_CALL_PARENTS: ReadonlySet<string> = new Set(['llm', 'agent']);
const EMBEDDING_CALL_PARENTS: ReadonlySet<string> = new Set(['rag_query']);

/** The run a call names (newer stores only), or null. */
const callRunId = (schema: Schema, row: Row): unknown => (schema.calls.has('run_id') && !isBlank(row.run_id) ? row.run_id : null);

/** The one task of the call's run that can have made it; null without a run, or with none or several. */
function findCallParent(schema: Schema, refs: TaskRefs, row: Row, callType: string | null): TaskRef | null {
  const runId = callRunId(schema, row);
  if (runId === null) return null;
  return refs.ofRun(runId).onlyOf(callType === 'embedding' ? EMBEDDING_CALL_PARENTS : LLM_CALL_PARENTS);
}

const runTraceId = (runId: unknown, agentId: unknown): string => (isBlank(runId) ? looseTraceId(agentId) : toKavalaiId(runId));

function buildTaskSpan(db: Database.Database, schema: Schema, refs: TaskRefs, row: Row, errors: StoreRowError[]): StoreSpan {
  const fields = readTaskFields(db, row, errors);
  const task = toTaskRef(row);
  const parent = fields.nodeType === 'tool_call' ? findToolCallParent(schema, refs, task, readText(row.parent_task_name)) : null;
  if (parent) fields.attributes['kavalai.parent_by'] = parent[1];
  const span: NormalizedSpan = makeKavalaiSpan({
    traceId: runTraceId(row.run_id, row.agent_id),
    spanId: toKavalaiId(row.id),
    parentSpanId: parent ? toKavalaiId(parent[0].id) : null,
    name: fields.name,
    kind: 'internal',
    startNs: null,
    endNs: null,
    status: fields.status,
    statusMessage: fields.statusMessage,
    attributes: fields.attributes,
  });
  return { span, pointer: { table: TASKS, rowid: task.rowid, index: 0 } };
}

function buildCallSpan(db: Database.Database, schema: Schema, refs: TaskRefs, row: Row, errors: StoreRowError[]): StoreSpan {
  const fields = readModelCallFields(db, row, false, errors);
  const parent = findCallParent(schema, refs, row, fields.callType);
  if (parent) fields.attributes['kavalai.parent_by'] = 'only candidate in run';
  const span = makeKavalaiSpan({
    traceId: runTraceId(callRunId(schema, row), row.agent_id),
    spanId: toKavalaiId(row.id),
    parentSpanId: parent ? toKavalaiId(parent.id) : null,
    name: fields.name,
    kind: 'client',
    startNs: null,
    endNs: null,
    status: fields.status,
    statusMessage: fields.statusMessage,
    attributes: fields.attributes,
  });
  return { span, pointer: { table: CALLS, rowid: Number(row.row_id), index: 0 } };
}

function readAll(db: Database.Database, emit: (span: StoreSpan) => void, error: (problem: StoreRowError) => void): void {
  const schema = readSchema(db);
  const refs = readAllTaskRefs(db, schema, error);
  const handle = (table: string, build: typeof buildTaskSpan) => (row: Row) => {
    if (isBlank(row.id)) {
      error({ table, rowid: Number(row.row_id), reason: 'no id' });
      return;
    }
    const errors: StoreRowError[] = [];
    emit(build(db, schema, refs, row, errors));
    errors.forEach(error);
  };
  forEachRowPage(db.prepare(`SELECT rowid AS row_id, * FROM tasks WHERE rowid > ? ORDER BY rowid LIMIT ${PAGE_ROWS}`), TASKS, error, handle(TASKS, buildTaskSpan));
  forEachRowPage(db.prepare(`SELECT rowid AS row_id, * FROM model_call_stats WHERE rowid > ? ORDER BY rowid LIMIT ${PAGE_ROWS}`), CALLS, error, handle(CALLS, buildCallSpan));
}

function readOne(db: Database.Database, pointer: StorePointer): StoreSpanDetail | null {
  if (pointer.index !== 0 || (pointer.table !== TASKS && pointer.table !== CALLS)) return null;
  const row = readPointedRow(db, pointer.table, pointer.rowid);
  if (!row || isBlank(row.id)) return null;
  const schema = readSchema(db);
  const build = pointer.table === TASKS ? buildTaskSpan : buildCallSpan;
  return { span: build(db, schema, readSomeTaskRefs(db, schema), row, []).span, raw: toRawRow(db, row) };
}

export const kavalaiTasklogStoreReader: StoreReader = {
  format: 'kavalai-tasklog-db',
  tables: [TASKS, CALLS],
  matches: (tables) => tables.has(TASKS) && tables.has(CALLS) && !tables.has('runs') && !tables.has('chat_messages'),
  readAll,
  readOne,
};
