/**
 * Kaval.AI's ORM database (`SqliteDataStorage`, `kavalai.db`; FORMATS.md §5.5): agents,
 * sessions, runs, tasks, chat_messages and model_call_stats.
 *
 * Mapping:
 * - a **run** is a trace (trace id = run id) with a root span named after its agent, carrying
 *   `input_data`, `output_data`, `context` and the run's chat messages as
 *   `gen_ai.input.messages` (user, system) / `gen_ai.output.messages` (assistant);
 * - a kavalai **session** is the session (`kavalai.session_id`);
 * - each **task** is a child of the root, in `seq` order (rows without `seq`, written before
 *   migration 0004, by `created_at`, then rowid). A `tool_call` row hangs under the task named
 *   by its `parent_task_name`: the first row of that name after it in run order (an agent node
 *   is logged when it finishes, after the tool calls it made), else the last one before it;
 * - each **model_call_stats** row is a span of its run (`run_id`, migration 0005), under the
 *   run's `llm`/`agent` task (`rag_query` for embeddings) whose time window holds the call's
 *   end, else under the root. Calls without a run (older stores, indexing jobs) form one trace
 *   per agent, `kavalai-agent-<agent id>`. Cached and reasoning tokens are subsets of the
 *   prompt and completion counts and are kept as attributes only, never added.
 *
 * Times: datetimes are zone-less UTC text. A run's `created_at` is when it began (the row is
 * written by `initialize_workflow_run`), and it ends `duration_seconds` later (migration 0006;
 * older runs: `updated_at`, the time `update_run` landed the result). Task and model-call rows
 * are written by the task logger after the node or call finished, so their `created_at` is the
 * end and the start is `duration_seconds` earlier.
 *
 * Run status: an output means it completed (`ok`). No output but an end means it failed
 * (`error`). No output and no end: the session's latest run is still running (open, `unset`);
 * an earlier one stopped without recording anything (`error`, ending at its last task or call).
 * Tasks are `error` when their `errors` list is not empty; model calls when the provider's
 * status is not 2xx, or when an LLM call has neither a status nor token counts (a failed
 * attempt whose error carried no status).
 *
 * Every span depends only on its run's rows (and its session's runs), so `readOne` rebuilds
 * the run to return exactly the span `readAll` produced.
 */
import type Database from 'better-sqlite3';
import type { Attributes } from '../../../shared/model/attribute-value';
import type { SpanStatus } from '../../../shared/model/span-type';
import type { NormalizedSpan } from '../../ingest/normalized-span';
import { normalizeId } from '../../ingest/normalize-id';
import { parseAnyTimeToNs } from '../../ingest/parse-time';
import { readColumnNames, readTableNames } from './read-store-schema';
import { StoreReadAborted, type StorePointer, type StoreReader, type StoreRowError, type StoreSpan, type StoreSpanDetail } from './store-reader';
import { decodeJsonColumn, describeRow, describeRowFailure, forEachRowPage, PAGE_ROWS, readNumber, readText, requireColumns } from './store-row-values';

export type Row = Record<string, unknown>;

const RUNS = 'runs';
const TASKS = 'tasks';
const CALLS = 'model_call_stats';
const CHAT = 'chat_messages';

/** The longest status message taken from a provider's error text. */
const STATUS_MESSAGE_CHARS = 300;

const DASHED_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A kavalai id as a span or trace id: 32 hex lower-case (dashed UUIDs lose their dashes, a 16-byte blob becomes hex). */
export function toKavalaiId(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.length === 16 ? value.toString('hex') : normalizeId(value.toString('hex'));
  const text = readText(value)?.trim() ?? '';
  return normalizeId(DASHED_UUID.test(text) ? text.replace(/-/g, '') : text);
}

/** The trace of rows that name no known run: everything one agent did outside a run. */
export function looseTraceId(agentId: unknown): string {
  const agent = toKavalaiId(agentId);
  return `kavalai-agent-${agent === '' ? 'unknown' : agent}`;
}

/** A duration column (REAL, or NUMERIC kept as text) in seconds; null when absent or negative. */
export function readSeconds(value: unknown): number | null {
  const seconds = typeof value === 'string' && value.trim() !== '' ? Number(value) : readNumber(value);
  return seconds !== null && Number.isFinite(seconds) && seconds >= 0 ? seconds : null;
}

/** Seconds to ns, rounded to whole µs (a float of seconds holds no more). */
export function secondsToNs(seconds: number | null): bigint | null {
  return seconds === null ? null : BigInt(Math.round(seconds * 1e6)) * 1000n;
}

/** A datetime column (zone-less text is UTC) to epoch ns. */
function readTimeNs(value: unknown): bigint | null {
  return parseAnyTimeToNs(typeof value === 'bigint' ? Number(value) : value);
}

/** `provider/model` → provider and model; a name without a slash is only a model. */
export function splitModel(model: string | null): { provider: string | null; modelName: string | null } {
  if (model === null || model === '') return { provider: null, modelName: null };
  const slash = model.indexOf('/');
  if (slash <= 0 || slash === model.length - 1) return { provider: null, modelName: model };
  return { provider: model.slice(0, slash), modelName: model.slice(slash + 1) };
}

/** Where a value came from, for row errors. */
export interface Cell {
  table: string;
  rowid: number;
  column: string;
}

const describeBlob = (value: unknown): string | null => (Buffer.isBuffer(value) ? `<blob, ${value.length} bytes>` : null);

/**
 * A JSON column as attribute text: the stored text (a JSON string is unwrapped to its text),
 * null for SQL NULL and JSON null. Text that is not JSON is kept as stored and reported.
 */
export function readJsonText(db: Database.Database, value: unknown, cell: Cell, errors: StoreRowError[]): string | null {
  if (value === null || value === undefined) return null;
  let decoded: unknown;
  try {
    decoded = decodeJsonColumn(db, value);
  } catch {
    errors.push({ table: cell.table, rowid: cell.rowid, reason: `column ${cell.column} is not JSON; kept as stored` });
    return readText(value) ?? describeBlob(value);
  }
  if (decoded === null) return null;
  if (typeof decoded === 'string') return decoded;
  return typeof value === 'string' ? value : JSON.stringify(decoded);
}

/** A task's `errors` (a JSON list of strings) as a list; null when none were recorded. */
export function readErrorList(db: Database.Database, value: unknown, cell: Cell, errors: StoreRowError[]): string[] | null {
  if (value === null || value === undefined) return null;
  let decoded: unknown;
  try {
    decoded = decodeJsonColumn(db, value);
  } catch {
    errors.push({ table: cell.table, rowid: cell.rowid, reason: `column ${cell.column} is not JSON; kept as one error` });
    const text = readText(value) ?? describeBlob(value);
    return text === null || text === '' ? null : [text];
  }
  if (decoded === null) return null;
  const list = Array.isArray(decoded) ? decoded : [decoded];
  const texts = list.filter((item) => item !== null && item !== '').map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
  return texts.length > 0 ? texts : null;
}

/** Sets an attribute unless the value is absent. */
function put(attributes: Attributes, key: string, value: string | number | string[] | null): void {
  if (value !== null) attributes[key] = value;
}

const rowidOf = (row: Row): number => Number(row.row_id);

/** A task row's own fields, shared by the ORM and the task-logger readers. */
export interface TaskFields {
  name: string;
  nodeType: string | null;
  attributes: Attributes;
  status: SpanStatus;
  statusMessage: string | null;
  durationSeconds: number | null;
}

/** Reads a `tasks` row's attributes and status (its tree position is the caller's). */
export function readTaskFields(db: Database.Database, row: Row, errors: StoreRowError[]): TaskFields {
  const rowid = rowidOf(row);
  const cell = (column: string): Cell => ({ table: TASKS, rowid, column });
  const nodeType = readText(row.node_type);
  const name = readText(row.name) ?? nodeType ?? 'task';
  const durationSeconds = readSeconds(row.duration_seconds);
  const taskErrors = readErrorList(db, row.errors, cell('errors'), errors);
  const attributes: Attributes = { 'kavalai.kind': 'task' };
  put(attributes, 'kavalai.task_id', readText(row.id));
  put(attributes, 'kavalai.run_id', readText(row.run_id));
  put(attributes, 'kavalai.session_id', readText(row.session_id));
  put(attributes, 'kavalai.agent_id', readText(row.agent_id));
  put(attributes, 'kavalai.node_type', nodeType);
  put(attributes, 'kavalai.seq', readNumber(row.seq));
  put(attributes, 'kavalai.parent_task_name', readText(row.parent_task_name));
  put(attributes, 'kavalai.tool_uri', readText(row.tool_uri));
  put(attributes, 'kavalai.inputs', readJsonText(db, row.inputs, cell('inputs'), errors));
  put(attributes, 'kavalai.output', readJsonText(db, row.output, cell('output'), errors));
  put(attributes, 'kavalai.prompt', readText(row.prompt));
  put(attributes, 'kavalai.errors', taskErrors);
  put(attributes, 'kavalai.duration_seconds', durationSeconds);
  const failed = taskErrors !== null;
  return { name, nodeType, attributes, status: failed ? 'error' : 'ok', statusMessage: failed ? taskErrors.join('; ') : null, durationSeconds };
}

function clip(text: string): string {
  return text.length > STATUS_MESSAGE_CHARS ? `${text.slice(0, STATUS_MESSAGE_CHARS)}…` : text;
}

/** A `model_call_stats` row's fields (shared with the task-logger reader, whose payload columns are plain text). */
export interface ModelCallFields {
  name: string;
  callType: string | null;
  attributes: Attributes;
  status: SpanStatus;
  statusMessage: string | null;
  durationSeconds: number | null;
}

export function readModelCallFields(db: Database.Database, row: Row, payloadsAreJson: boolean, errors: StoreRowError[]): ModelCallFields {
  const rowid = rowidOf(row);
  const payload = (column: string): string | null =>
    payloadsAreJson ? readJsonText(db, row[column], { table: CALLS, rowid, column }, errors) : (readText(row[column]) ?? describeBlob(row[column]));
  const callType = readText(row.call_type);
  const model = readText(row.model);
  const { provider, modelName } = splitModel(model);
  const durationSeconds = readSeconds(row.duration_seconds);
  const responseCode = readNumber(row.response_code);
  const promptTokens = readNumber(row.prompt_tokens);
  const completionTokens = readNumber(row.completion_tokens);
  const totalTokens = readNumber(row.total_tokens);
  const response = payload('response_data');
  const attributes: Attributes = { 'kavalai.kind': 'model_call' };
  put(attributes, 'kavalai.model_call_id', readText(row.id));
  put(attributes, 'kavalai.call_type', callType);
  put(attributes, 'kavalai.model', model);
  put(attributes, 'kavalai.provider', provider);
  put(attributes, 'kavalai.model_name', modelName);
  put(attributes, 'kavalai.agent_id', readText(row.agent_id));
  put(attributes, 'kavalai.session_id', readText(row.session_id));
  put(attributes, 'kavalai.run_id', readText(row.run_id));
  put(attributes, 'kavalai.prompt_tokens', promptTokens);
  put(attributes, 'kavalai.completion_tokens', completionTokens);
  put(attributes, 'kavalai.total_tokens', totalTokens);
  put(attributes, 'kavalai.cached_prompt_tokens', readNumber(row.cached_prompt_tokens));
  put(attributes, 'kavalai.reasoning_tokens', readNumber(row.reasoning_tokens));
  put(attributes, 'kavalai.batch_size', readNumber(row.batch_size));
  put(attributes, 'kavalai.response_code', responseCode);
  put(attributes, 'kavalai.duration_seconds', durationSeconds);
  put(attributes, 'kavalai.request_data', payload('request_data'));
  put(attributes, 'kavalai.response_data', response);

  let status: SpanStatus = 'ok';
  let statusMessage: string | null = null;
  if (responseCode !== null && (responseCode < 200 || responseCode >= 300)) {
    status = 'error';
    statusMessage = clip(response ? `HTTP ${responseCode}: ${response}` : `HTTP ${responseCode}`);
  } else if (responseCode === null && callType === 'llm' && promptTokens === null && completionTokens === null && totalTokens === null) {
    status = 'error';
    statusMessage = clip(response ? `no response: ${response}` : 'no response (no status code and no token counts)');
  }
  const name = [callType, model].filter((part) => part !== null && part !== '').join(' ') || 'model call';
  return { name, callType, attributes, status, statusMessage, durationSeconds };
}

/** A span with the fields every kavalai span shares. */
export function makeKavalaiSpan(fields: Pick<NormalizedSpan, 'traceId' | 'spanId' | 'parentSpanId' | 'name' | 'kind' | 'startNs' | 'endNs' | 'status' | 'statusMessage' | 'attributes'>): NormalizedSpan {
  return { ...fields, events: [], links: [], resource: {}, scope: null };
}

interface Schema {
  tasks: Set<string>;
  calls: Set<string>;
  chat: Set<string>;
  hasSessions: boolean;
  hasAgents: boolean;
}

function readSchema(db: Database.Database): Schema {
  const tables = readTableNames(db);
  const columnsOf = (table: string): Set<string> => (tables.has(table) ? readColumnNames(db, table) : new Set());
  requireColumns(RUNS, columnsOf(RUNS), ['id', 'session_id', 'created_at']);
  const tasks = columnsOf(TASKS);
  requireColumns(TASKS, tasks, ['id', 'run_id']);
  const calls = columnsOf(CALLS);
  requireColumns(CALLS, calls, ['id']);
  const chat = columnsOf(CHAT);
  requireColumns(CHAT, chat, ['session_id', 'role', 'content']);
  const sessions = columnsOf('sessions');
  const agents = columnsOf('agents');
  return {
    tasks,
    calls,
    chat,
    hasSessions: sessions.has('id') && sessions.has('agent_id'),
    hasAgents: agents.has('id') && agents.has('name'),
  };
}

/** A run as its session's other runs see it. */
interface RunRef {
  rowid: number;
  id: unknown;
  startNs: bigint | null;
}

/** A session's runs in (start, rowid) order, and where each run is among them. */
interface SessionRuns {
  refs: RunRef[];
  positionOf: Map<number, number>;
}

interface SessionInfo {
  agentId: string | null;
  agentName: string | null;
  externalId: string | null;
}

/** (start, rowid) order; a run without a start sorts by rowid before those with one. */
function compareRuns(a: RunRef, b: RunRef): number {
  const sa = a.startNs ?? -1n;
  const sb = b.startNs ?? -1n;
  return sa < sb ? -1 : sa > sb ? 1 : a.rowid - b.rowid;
}

/** Prepared statements and (while reading the whole store) per-session lookups. */
class StoreContext {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly sessions = new Map<string, SessionInfo | null>();
  private readonly sessionRuns = new Map<string, SessionRuns>();
  private readonly looseMessages = new Map<string, LooseMessage[]>();

  constructor(
    readonly db: Database.Database,
    readonly schema: Schema,
    private readonly memoize: boolean,
  ) {}

  rows(sql: string, ...params: unknown[]): Row[] {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      statement.safeIntegers(true);
      this.statements.set(sql, statement);
    }
    return statement.all(...params) as Row[];
  }

  session(sessionId: unknown): SessionInfo | null {
    const key = readText(sessionId) ?? '';
    if (this.memoize && this.sessions.has(key)) return this.sessions.get(key)!;
    let info: SessionInfo | null = null;
    if (this.schema.hasSessions) {
      const [session] = this.rows('SELECT * FROM sessions WHERE id = ?', sessionId);
      if (session) {
        const [agent] = this.schema.hasAgents && session.agent_id !== null ? this.rows('SELECT name FROM agents WHERE id = ?', session.agent_id) : [];
        info = { agentId: readText(session.agent_id), agentName: agent ? readText(agent.name) : null, externalId: readText(session.external_id) };
      }
    }
    if (this.memoize) this.sessions.set(key, info);
    return info;
  }

  /** The session's runs in (start, rowid) order. */
  runsOfSession(sessionId: unknown): SessionRuns {
    const key = readText(sessionId) ?? '';
    const known = this.memoize ? this.sessionRuns.get(key) : undefined;
    if (known) return known;
    const refs = this.rows('SELECT rowid AS row_id, id, created_at FROM runs WHERE session_id = ?', sessionId).map((row) => ({
      rowid: rowidOf(row),
      id: row.id,
      startNs: readTimeNs(row.created_at),
    }));
    refs.sort(compareRuns);
    const runs = { refs, positionOf: new Map(refs.map((ref, position) => [ref.rowid, position])) };
    if (this.memoize) this.sessionRuns.set(key, runs);
    return runs;
  }

  /**
   * The session's chat messages that name no run (every one of them in stores without
   * `run_id`) and have a time, in (time, rowid) order: read once per session while reading
   * the whole store, so each run takes its window of them without reading them all again.
   */
  looseMessagesOf(sessionId: unknown): LooseMessage[] {
    // `session_id = NULL` matches nothing; a blob id is kept apart from text.
    if (sessionId === null || sessionId === undefined || !this.schema.chat.has('created_at')) return [];
    const key = Buffer.isBuffer(sessionId) ? `blob:${sessionId.toString('hex')}` : `=${readText(sessionId) ?? ''}`;
    const known = this.memoize ? this.looseMessages.get(key) : undefined;
    if (known) return known;
    const rows = this.schema.chat.has('run_id')
      ? this.rows('SELECT rowid AS row_id, created_at FROM chat_messages WHERE run_id IS NULL AND session_id = ? ORDER BY rowid', sessionId)
      : this.rows('SELECT rowid AS row_id, created_at FROM chat_messages WHERE session_id = ? ORDER BY rowid', sessionId);
    const messages = rows.flatMap((row): LooseMessage[] => {
      const timeNs = readTimeNs(row.created_at);
      return timeNs === null ? [] : [{ rowid: rowidOf(row), timeNs }];
    });
    messages.sort((a, b) => (a.timeNs !== b.timeNs ? (a.timeNs < b.timeNs ? -1 : 1) : a.rowid - b.rowid));
    if (this.memoize) this.looseMessages.set(key, messages);
    return messages;
  }
}

/** A chat message that names no run, as its session's runs place it: by its time. */
interface LooseMessage {
  rowid: number;
  timeNs: bigint;
}

/** Index of the first message at or after `timeNs` (messages in time order). */
function firstMessageFrom(messages: readonly LooseMessage[], timeNs: bigint): number {
  let low = 0;
  let high = messages.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (messages[mid].timeNs < timeNs) low = mid + 1;
    else high = mid;
  }
  return low;
}

interface TaskNode {
  row: Row;
  rowid: number;
  spanId: string;
  fields: TaskFields;
  seq: number | null;
  startNs: bigint | null;
  endNs: bigint | null;
  parentSpanId: string;
  parentBy: string | null;
}

/** Run order: `seq`, then rows without one by `created_at` (their end), then rowid. */
function compareTasks(a: TaskNode, b: TaskNode): number {
  if (a.seq !== null && b.seq !== null && a.seq !== b.seq) return a.seq - b.seq;
  if ((a.seq === null) !== (b.seq === null)) return a.seq === null ? 1 : -1;
  if (a.seq === null && a.endNs !== b.endNs) {
    if (a.endNs === null) return 1;
    if (b.endNs === null) return -1;
    return a.endNs < b.endNs ? -1 : 1;
  }
  return a.rowid - b.rowid;
}

/**
 * Where a run's `tool_call` rows find their parent: the run's other tasks by name, each name's
 * positions (in run order) indexed once, so each tool call takes a binary search, not a scan.
 */
class ToolCallParents {
  private readonly positionsByName = new Map<string, number[]>();

  constructor(private readonly tasks: readonly TaskNode[]) {
    tasks.forEach((task, index) => {
      if (task.fields.nodeType === 'tool_call') return;
      const positions = this.positionsByName.get(task.fields.name);
      if (positions) positions.push(index);
      else this.positionsByName.set(task.fields.name, [index]);
    });
  }

  /** The task a `tool_call` row belongs to: the first of its parent's name after it in run order, else the last before. */
  find(index: number, parentName: string): TaskNode | null {
    const positions = this.positionsByName.get(parentName);
    if (!positions) return null;
    // The first position after `index` (`index` itself, a tool call, is never among them).
    let low = 0;
    let high = positions.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (positions[mid] <= index) low = mid + 1;
      else high = mid;
    }
    if (low < positions.length) return this.tasks[positions[low]];
    return low > 0 ? this.tasks[positions[low - 1]] : null;
  }
}

const LLM_CALL_PARENTS = new Set(['llm', 'agent']);
const EMBEDDING_CALL_PARENTS = new Set(['rag_query']);

/**
 * The tasks a kind of model call may belong to, with their windows: ordered by end (then run
 * order) once, with a tree of the least start over each range of that order. A call's parent,
 * the earliest-ending window holding its end (the first in run order among equal ends), is then
 * the first window from those ending at or after the call's end whose start is at or before it:
 * a binary search and a walk down the tree, not a scan of the run.
 */
class WindowIndex {
  private readonly windows: { task: TaskNode; startNs: bigint; endNs: bigint }[];
  private readonly size: number;
  /** minStart[node]: the least start among the windows under `node` (leaves from `size`). */
  private readonly minStart: (bigint | null)[];

  constructor(tasks: readonly TaskNode[], types: ReadonlySet<string>) {
    const windows: { task: TaskNode; startNs: bigint; endNs: bigint; order: number }[] = [];
    tasks.forEach((task, order) => {
      if (!types.has(task.fields.nodeType ?? '') || task.startNs === null || task.endNs === null) return;
      windows.push({ task, startNs: task.startNs, endNs: task.endNs, order });
    });
    windows.sort((a, b) => (a.endNs !== b.endNs ? (a.endNs < b.endNs ? -1 : 1) : a.order - b.order));
    this.windows = windows;
    let size = 1;
    while (size < windows.length) size *= 2;
    this.size = size;
    this.minStart = new Array<bigint | null>(2 * size).fill(null);
    windows.forEach((window, i) => (this.minStart[size + i] = window.startNs));
    for (let node = size - 1; node >= 1; node--) {
      const [left, right] = [this.minStart[2 * node], this.minStart[2 * node + 1]];
      this.minStart[node] = left === null ? right : right === null ? left : left < right ? left : right;
    }
  }

  /** The task whose window [start, end] holds `timeNs`; the earliest-ending one if several. */
  find(timeNs: bigint): TaskNode | null {
    const { windows } = this;
    // The first window ending at or after `timeNs`.
    let low = 0;
    let high = windows.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (windows[mid].endNs < timeNs) low = mid + 1;
      else high = mid;
    }
    const found = this.firstStartingBy(1, 0, this.size, low, timeNs);
    return found === -1 ? null : windows[found].task;
  }

  /** The first leaf at or after `from`, under `node` (covering [nodeLow, nodeHigh)), starting at or before `timeNs`; -1 if none. */
  private firstStartingBy(node: number, nodeLow: number, nodeHigh: number, from: number, timeNs: bigint): number {
    const least = this.minStart[node];
    if (nodeHigh <= from || least === null || least > timeNs) return -1;
    if (nodeHigh - nodeLow === 1) return nodeLow;
    const middle = (nodeLow + nodeHigh) >> 1;
    const left = this.firstStartingBy(2 * node, nodeLow, middle, from, timeNs);
    return left !== -1 ? left : this.firstStartingBy(2 * node + 1, middle, nodeHigh, from, timeNs);
  }
}

/** Where a run's model calls find their parent task, by kind of call; each kind's index built on first use. */
class CallParents {
  private llm: WindowIndex | null = null;
  private embedding: WindowIndex | null = null;

  constructor(private readonly tasks: readonly TaskNode[]) {}

  /** The task whose window [start, end] holds the call's end; the earliest-ending one if several. */
  find(callType: string | null, callEndNs: bigint | null): TaskNode | null {
    if (callEndNs === null) return null;
    if (callType === 'embedding') {
      this.embedding ??= new WindowIndex(this.tasks, EMBEDDING_CALL_PARENTS);
      return this.embedding.find(callEndNs);
    }
    this.llm ??= new WindowIndex(this.tasks, LLM_CALL_PARENTS);
    return this.llm.find(callEndNs);
  }
}

/** Time of a row logged when its work finished: [created_at − duration, created_at]. */
function readLoggedWindow(createdAt: unknown, durationSeconds: number | null): { startNs: bigint | null; endNs: bigint | null } {
  const endNs = readTimeNs(createdAt);
  if (endNs === null) return { startNs: null, endNs: null };
  return { startNs: endNs - (secondsToNs(durationSeconds) ?? 0n), endNs };
}

const isLater = (a: bigint | null, b: bigint | null): boolean => a !== null && (b === null || a > b);

interface ChatMessage {
  rowid: number;
  timeNs: bigint | null;
  role: string;
  content: string;
}

/** The run's chat messages: its own, and the session's unattributed ones from its start until the next run's. */
function readRunMessages(ctx: StoreContext, run: Row, sessionRuns: SessionRuns): ChatMessage[] {
  const hasRunColumn = ctx.schema.chat.has('run_id');
  const rows = hasRunColumn ? ctx.rows('SELECT rowid AS row_id, * FROM chat_messages WHERE run_id = ? ORDER BY rowid', run.id) : [];
  const { refs } = sessionRuns;
  const position = sessionRuns.positionOf.get(rowidOf(run));
  if (position !== undefined) {
    const from = position === 0 ? null : refs[position].startNs;
    const until = position + 1 < refs.length ? refs[position + 1].startNs : null;
    // The unattributed messages timed in [from, until).
    const loose = ctx.looseMessagesOf(run.session_id);
    const end = until === null ? loose.length : firstMessageFrom(loose, until);
    for (let i = from === null ? 0 : firstMessageFrom(loose, from); i < end; i++) {
      const [row] = ctx.rows('SELECT rowid AS row_id, * FROM chat_messages WHERE rowid = ?', loose[i].rowid);
      if (row) rows.push(row);
    }
  }
  const messages = rows.flatMap((row): ChatMessage[] => {
    const role = readText(row.role);
    const content = readText(row.content);
    return role === null || content === null ? [] : [{ rowid: rowidOf(row), timeNs: readTimeNs(row.created_at), role, content }];
  });
  // Time order, then rowid; messages without a time last.
  messages.sort((a, b) => {
    if (a.timeNs !== b.timeNs) {
      if (a.timeNs === null) return 1;
      if (b.timeNs === null) return -1;
      return a.timeNs < b.timeNs ? -1 : 1;
    }
    return a.rowid - b.rowid;
  });
  return messages;
}

function toMessagesText(messages: readonly ChatMessage[]): string | null {
  return messages.length === 0 ? null : JSON.stringify(messages.map(({ role, content }) => ({ role, content })));
}

interface RunGroup {
  spans: StoreSpan[];
  errors: StoreRowError[];
}

/**
 * One row of a run read by `read`, its problems added to `errors`; null, with the row reported,
 * when reading it throws (JSON too deep to write back, a failed lookup): the run's other rows
 * are still shown.
 */
function readRunRow<T>(table: string, rowid: number, errors: StoreRowError[], read: (rowErrors: StoreRowError[]) => T): T | null {
  const rowErrors: StoreRowError[] = [];
  try {
    const value = read(rowErrors);
    errors.push(...rowErrors);
    return value;
  } catch (problem) {
    if (problem instanceof StoreReadAborted) throw problem;
    errors.push({ table, rowid, reason: describeRowFailure(problem) });
    return null;
  }
}

/** A model call of a run: under the task whose window holds its end, else under the run's root. */
function buildRunCall(db: Database.Database, callParents: CallParents, traceId: string, row: Row, errors: StoreRowError[]): StoreSpan {
  const fields = readModelCallFields(db, row, true, errors);
  const { startNs, endNs } = readLoggedWindow(row.created_at, fields.durationSeconds);
  const parent = callParents.find(fields.callType, endNs);
  if (parent) fields.attributes['kavalai.parent_by'] = 'time window';
  const span = makeKavalaiSpan({
    traceId,
    spanId: toKavalaiId(row.id),
    // The root's span id is the trace id.
    parentSpanId: parent ? parent.spanId : traceId,
    name: fields.name,
    kind: 'client',
    startNs,
    endNs,
    status: fields.status,
    statusMessage: fields.statusMessage,
    attributes: fields.attributes,
  });
  return { span, pointer: { table: CALLS, rowid: rowidOf(row), index: 0 } };
}

/**
 * Every span of one run: its root (when the run row exists), its tasks in run order, and its
 * model calls. `run` is null for rows whose run is gone (their parent is then missing).
 */
function buildRunGroup(ctx: StoreContext, run: Row | null, runId: unknown): RunGroup {
  const { db, schema } = ctx;
  const errors: StoreRowError[] = [];
  const traceId = toKavalaiId(runId);
  const rootSpanId = traceId;

  const tasks: TaskNode[] = ctx.rows('SELECT rowid AS row_id, * FROM tasks WHERE run_id = ? ORDER BY rowid', runId).flatMap((row) => {
    const task = readRunRow(TASKS, rowidOf(row), errors, (rowErrors): TaskNode => {
      const fields = readTaskFields(db, row, rowErrors);
      return {
        row,
        rowid: rowidOf(row),
        spanId: toKavalaiId(row.id),
        fields,
        seq: readNumber(row.seq),
        ...readLoggedWindow(row.created_at, fields.durationSeconds),
        parentSpanId: rootSpanId,
        parentBy: null,
      };
    });
    return task === null ? [] : [task];
  });
  tasks.sort(compareTasks);
  const toolCallParents = new ToolCallParents(tasks);
  tasks.forEach((task, index) => {
    const parentName = readText(task.row.parent_task_name);
    if (task.fields.nodeType !== 'tool_call' || parentName === null || parentName === '') return;
    const parent = toolCallParents.find(index, parentName);
    if (parent) [task.parentSpanId, task.parentBy] = [parent.spanId, 'parent_task_name'];
  });

  const calls = schema.calls.has('run_id') ? ctx.rows('SELECT rowid AS row_id, * FROM model_call_stats WHERE run_id = ? ORDER BY rowid', runId) : [];
  const callParents = new CallParents(tasks);
  const callSpans: StoreSpan[] = calls.flatMap((row) => {
    const call = readRunRow(CALLS, rowidOf(row), errors, (rowErrors) => buildRunCall(db, callParents, traceId, row, rowErrors));
    return call === null ? [] : [call];
  });

  const taskSpans: StoreSpan[] = tasks.map((task) => {
    if (task.parentBy !== null) task.fields.attributes['kavalai.parent_by'] = task.parentBy;
    const span = makeKavalaiSpan({
      traceId,
      spanId: task.spanId,
      parentSpanId: task.parentSpanId,
      name: task.fields.name,
      kind: 'internal',
      startNs: task.startNs,
      endNs: task.endNs,
      status: task.fields.status,
      statusMessage: task.fields.statusMessage,
      attributes: task.fields.attributes,
    });
    return { span, pointer: { table: TASKS, rowid: task.rowid, index: 0 } };
  });

  const spans: StoreSpan[] = [];
  if (run !== null) {
    let lastActivityNs: bigint | null = null;
    for (const { span } of [...taskSpans, ...callSpans]) if (isLater(span.endNs, lastActivityNs)) lastActivityNs = span.endNs;
    const root = readRunRow(RUNS, rowidOf(run), errors, (rowErrors) => buildRunRoot(ctx, run, traceId, lastActivityNs, rowErrors));
    if (root !== null) spans.push({ span: root, pointer: { table: RUNS, rowid: rowidOf(run), index: 0 } });
  }
  spans.push(...taskSpans, ...callSpans);
  return { spans, errors };
}

function buildRunRoot(ctx: StoreContext, run: Row, traceId: string, lastActivityNs: bigint | null, errors: StoreRowError[]): NormalizedSpan {
  const { db } = ctx;
  const rowid = rowidOf(run);
  const cell = (column: string): Cell => ({ table: RUNS, rowid, column });
  const session = ctx.session(run.session_id);
  const sessionRuns = ctx.runsOfSession(run.session_id);
  const startNs = readTimeNs(run.created_at);
  const durationSeconds = readSeconds(run.duration_seconds);
  const output = readJsonText(db, run.output_data, cell('output_data'), errors);

  let endNs: bigint | null = null;
  if (startNs !== null && durationSeconds !== null) endNs = startNs + secondsToNs(durationSeconds)!;
  else if (isLater(readTimeNs(run.updated_at), startNs) && startNs !== null) endNs = readTimeNs(run.updated_at);

  let status: SpanStatus = 'ok';
  let statusMessage: string | null = null;
  if (output === null) {
    status = 'error';
    if (endNs !== null) statusMessage = 'no output: the run failed before reaching an end node';
    else {
      const position = sessionRuns.positionOf.get(rowid);
      const isLatest = position === undefined || position === sessionRuns.refs.length - 1;
      if (isLatest) status = 'unset';
      else {
        statusMessage = 'no output and no end: the run stopped, and a later run of the session started';
        endNs = isLater(lastActivityNs, startNs) ? lastActivityNs : null;
      }
    }
  }

  const messages = readRunMessages(ctx, run, sessionRuns);
  const attributes: Attributes = { 'kavalai.kind': 'run' };
  put(attributes, 'kavalai.run_id', readText(run.id));
  put(attributes, 'kavalai.session_id', readText(run.session_id));
  put(attributes, 'kavalai.agent_id', session?.agentId ?? null);
  put(attributes, 'kavalai.agent_name', session?.agentName ?? null);
  put(attributes, 'kavalai.external_id', session?.externalId ?? null);
  put(attributes, 'kavalai.input_data', readJsonText(db, run.input_data, cell('input_data'), errors));
  put(attributes, 'kavalai.output_data', output);
  put(attributes, 'kavalai.context', readJsonText(db, run.context, cell('context'), errors));
  put(attributes, 'kavalai.duration_seconds', durationSeconds);
  put(attributes, 'gen_ai.input.messages', toMessagesText(messages.filter((message) => message.role !== 'assistant')));
  put(attributes, 'gen_ai.output.messages', toMessagesText(messages.filter((message) => message.role === 'assistant')));

  return makeKavalaiSpan({
    traceId,
    spanId: traceId,
    parentSpanId: null,
    name: session?.agentName ?? 'run',
    kind: 'internal',
    startNs,
    endNs,
    status,
    statusMessage,
    attributes,
  });
}

/** A model call that names no run: a root in its agent's trace. */
function buildLooseCall(ctx: StoreContext, row: Row, errors: StoreRowError[]): StoreSpan {
  const fields = readModelCallFields(ctx.db, row, true, errors);
  const span = makeKavalaiSpan({
    traceId: looseTraceId(row.agent_id),
    spanId: toKavalaiId(row.id),
    parentSpanId: null,
    name: fields.name,
    kind: 'client',
    ...readLoggedWindow(row.created_at, fields.durationSeconds),
    status: fields.status,
    statusMessage: fields.statusMessage,
    attributes: fields.attributes,
  });
  return { span, pointer: { table: CALLS, rowid: rowidOf(row), index: 0 } };
}

const isBlank = (value: unknown) => value === null || value === undefined || value === '';

function readAll(db: Database.Database, emit: (span: StoreSpan) => void, error: (problem: StoreRowError) => void): void {
  const ctx = new StoreContext(db, readSchema(db), true);
  const emitGroup = (group: RunGroup) => {
    group.spans.forEach(emit);
    group.errors.forEach(error);
  };

  forEachRowPage(db.prepare(`SELECT rowid AS row_id, * FROM runs WHERE rowid > ? ORDER BY rowid LIMIT ${PAGE_ROWS}`), RUNS, error, (run) => {
    if (isBlank(run.id)) error({ table: RUNS, rowid: rowidOf(run), reason: 'no id' });
    else emitGroup(buildRunGroup(ctx, run, run.id));
  });

  // Rows of runs that are gone (the store keeps no foreign key on model calls): a trace each, parent missing.
  const goneRuns = ctx.rows('SELECT run_id, MIN(rowid) AS first FROM tasks WHERE run_id IS NOT NULL AND run_id NOT IN (SELECT id FROM runs) GROUP BY run_id ORDER BY first');
  if (ctx.schema.calls.has('run_id')) {
    goneRuns.push(...ctx.rows('SELECT run_id, MIN(rowid) AS first FROM model_call_stats WHERE run_id IS NOT NULL AND run_id NOT IN (SELECT id FROM runs) AND run_id NOT IN (SELECT run_id FROM tasks WHERE run_id IS NOT NULL) GROUP BY run_id ORDER BY first'));
  }
  for (const { run_id: runId } of goneRuns) emitGroup(buildRunGroup(ctx, null, runId));

  forEachRowPage(db.prepare(`SELECT rowid AS row_id, id FROM tasks WHERE rowid > ? AND run_id IS NULL ORDER BY rowid LIMIT ${PAGE_ROWS}`), TASKS, error, (task) => {
    error({ table: TASKS, rowid: rowidOf(task), reason: 'no run_id: the task belongs to no run' });
  });

  const looseFilter = ctx.schema.calls.has('run_id') ? 'AND run_id IS NULL' : '';
  forEachRowPage(db.prepare(`SELECT rowid AS row_id, * FROM model_call_stats WHERE rowid > ? ${looseFilter} ORDER BY rowid LIMIT ${PAGE_ROWS}`), CALLS, error, (row) => {
    const errors: StoreRowError[] = [];
    emit(buildLooseCall(ctx, row, errors));
    errors.forEach(error);
  });
}

/** The row a pointer names, with its rowid as `row_id`. */
export function readPointedRow(db: Database.Database, table: string, rowid: number): Row | null {
  const statement = db.prepare(`SELECT rowid AS row_id, * FROM "${table}" WHERE rowid = ?`);
  statement.safeIntegers(true);
  return (statement.get(rowid) as Row | undefined) ?? null;
}

/** The stored row for "show raw", JSON decoded. */
export function toRawRow(db: Database.Database, row: Row): Record<string, unknown> {
  const { row_id: _rowid, ...columns } = row;
  return describeRow(db, columns);
}

function readOne(db: Database.Database, pointer: StorePointer): StoreSpanDetail | null {
  if (pointer.index !== 0 || ![RUNS, TASKS, CALLS].includes(pointer.table)) return null;
  const row = readPointedRow(db, pointer.table, pointer.rowid);
  if (!row || isBlank(row.id)) return null;
  const ctx = new StoreContext(db, readSchema(db), false);
  let spans: StoreSpan[];
  if (pointer.table === RUNS) spans = buildRunGroup(ctx, row, row.id).spans;
  else {
    const runId = pointer.table === TASKS || ctx.schema.calls.has('run_id') ? row.run_id : null;
    if (isBlank(runId)) {
      if (pointer.table === TASKS) return null;
      spans = [buildLooseCall(ctx, row, [])];
    } else {
      const [run] = ctx.rows('SELECT rowid AS row_id, * FROM runs WHERE id = ? ORDER BY rowid LIMIT 1', runId);
      spans = buildRunGroup(ctx, run ?? null, runId).spans;
    }
  }
  const found = spans.find((candidate) => candidate.pointer.table === pointer.table && candidate.pointer.rowid === pointer.rowid);
  return found ? { span: found.span, raw: toRawRow(db, row) } : null;
}

export const kavalaiStoreReader: StoreReader = {
  format: 'kavalai-db',
  tables: [RUNS, TASKS, CALLS],
  matches: (tables) => [RUNS, TASKS, CHAT, CALLS].every((table) => tables.has(table)),
  readAll,
  readOne,
};
