/**
 * The index of one source: the only code that speaks SQL. It stores what lists and
 * waterfalls need (ids, parent, name, times, type, status, session, tokens, decision) plus
 * each span's record offset and length in the file; everything else is read back from the
 * file on demand. Spans are kept in blocks, a trace's spans per piece (span-blocks.ts);
 * traces and sessions as running aggregates so the sessions table never scans spans; big
 * sessions' built trees as bytes (session-tree-codec.ts).
 *
 * Several connections share one index: ingest workers write pieces of the file in parallel
 * (each batch is one IMMEDIATE transaction that also records its piece and bumps the
 * counters, so a crash never leaves data without its piece), and the engine reads.
 *
 * Times are integer microseconds since the epoch. Rows become camelCase objects here only.
 */
import Database from 'better-sqlite3';
import type { Attributes, AttributeValue } from '../../shared/model/attribute-value';
import type { Decision, SpanStatus, SpanType } from '../../shared/model/span-type';
import type { SessionSortKey, SessionSummary, SourceError } from '../../shared/contract/wire-types';
import type { IndexableLog, IndexableSpan } from '../ingest/ingest-records';
import type { RunStatus } from '../semantics/derive-span-fields';
import {
  blockSpanKey, compareFileOrder, encodeSpanBlocks, isConversationSpan, locateFileSpanKey, parseBlockFields, parseBlockTree, readSpanFields,
  type BlockFields, type BlockTree, type EncodedBlock, type SpanFieldValues,
} from './span-blocks';

const SCHEMA_VERSION = 9;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- A trace's spans from one piece of the source, in file order (span-blocks.ts): one insert per
-- trace and piece instead of one per span. Never updated, only added (and cleared with everything
-- else); AUTOINCREMENT: a block key, and so a file's span key, is never reused after a clear.
CREATE TABLE IF NOT EXISTS span_blocks (
  block_key INTEGER PRIMARY KEY AUTOINCREMENT,
  trace_key INTEGER NOT NULL,
  first_offset INTEGER NOT NULL,
  first_index INTEGER NOT NULL,
  last_offset INTEGER NOT NULL,
  last_index INTEGER NOT NULL,
  span_count INTEGER NOT NULL,
  conversation_count INTEGER NOT NULL,
  -- JSON: the tree columns (BlockTree) and the other fields' columns (BlockFields).
  tree TEXT NOT NULL,
  fields TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS span_blocks_by_trace ON span_blocks (trace_key, first_offset, first_index);
-- Spans whose source numbers them (a run database's rows): where each one is. A file's spans
-- are numbered by their block instead (blockSpanKey).
CREATE TABLE IF NOT EXISTS span_keys (
  span_key INTEGER PRIMARY KEY,
  block_key INTEGER NOT NULL,
  position INTEGER NOT NULL
);
-- Span trees of big sessions, built by an index worker once the source is read (so opening
-- one is O(window)); the mark says which blocks it was built from (readSessionBlockMark).
CREATE TABLE IF NOT EXISTS session_trees (
  session_id TEXT PRIMARY KEY,
  mark TEXT NOT NULL,
  tree BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS traces (
  trace_key INTEGER PRIMARY KEY,
  trace_id TEXT NOT NULL UNIQUE,
  session_id TEXT NOT NULL,
  session_key_source TEXT NOT NULL,
  start_us INTEGER,
  end_us INTEGER,
  span_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  denial_count INTEGER NOT NULL,
  hitl_count INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  open_count INTEGER NOT NULL,
  models TEXT NOT NULL,
  run_status TEXT,
  tags TEXT NOT NULL,
  -- Run meta merged, as JSON {key: [run start µs | null, record offset, value]}: the latest run wins per key.
  meta TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS traces_by_session ON traces (session_id);
CREATE TABLE IF NOT EXISTS sessions (
  session_id TEXT PRIMARY KEY,
  session_key_source TEXT NOT NULL,
  start_us INTEGER,
  end_us INTEGER,
  duration_us INTEGER,
  trace_count INTEGER NOT NULL,
  span_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  denial_count INTEGER NOT NULL,
  hitl_count INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  total_tokens INTEGER NOT NULL,
  cost_usd REAL NOT NULL,
  open_count INTEGER NOT NULL,
  models TEXT NOT NULL,
  run_status TEXT,
  tags TEXT NOT NULL,
  -- Its traces' run meta merged (latest run wins per key), as a JSON object; searched as text.
  meta TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sessions_by_start ON sessions (start_us);
CREATE TABLE IF NOT EXISTS logs (
  log_id INTEGER PRIMARY KEY,
  time_us INTEGER,
  severity TEXT,
  body TEXT NOT NULL,
  trace_id TEXT,
  span_id TEXT,
  record_offset INTEGER NOT NULL,
  record_length INTEGER NOT NULL,
  record_line INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_by_span ON logs (trace_id, span_id);
CREATE TABLE IF NOT EXISTS pieces (
  offset INTEGER PRIMARY KEY,
  end_offset INTEGER NOT NULL,
  end_line INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS errors (
  error_id INTEGER PRIMARY KEY,
  line INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  length INTEGER NOT NULL,
  reason TEXT NOT NULL,
  excerpt TEXT NOT NULL
);
`;

/** A span's list fields, as a waterfall row shows them. */
export interface IndexedSpanRow {
  spanKey: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  spanType: SpanType;
  status: SpanStatus;
  startUs: number | null;
  endUs: number | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  decision: Decision | null;
}

/** A session's spans as the tree builder needs them (SpanTreeColumns plus keys and criteria), in file order. */
export interface SessionSpans {
  keys: number[];
  traceIds: string[];
  spanIds: string[];
  parentIds: (string | null)[];
  starts: (number | null)[];
  /** Typed criteria: 0 read from the source, 1 synthesised from its Grade; null for other spans. Null when no span is one. */
  criteria: (0 | 1 | null)[] | null;
}

/** No spans yet. */
function emptySessionSpans(): SessionSpans {
  return { keys: [], traceIds: [], spanIds: [], parentIds: [], starts: [], criteria: null };
}

/** Appends span `position` of a block's tree columns. */
function pushTreeSpan(into: SessionSpans, tree: BlockTree, blockKey: number, position: number, traceId: string): void {
  const criterion = tree.criteria?.[position] ?? null;
  if (criterion !== null && into.criteria === null) into.criteria = new Array<0 | 1 | null>(into.keys.length).fill(null);
  into.keys.push(blockSpanKey(blockKey, position, tree));
  into.traceIds.push(traceId);
  into.spanIds.push(tree.ids[position]);
  into.parentIds.push(tree.parents[position]);
  into.starts.push(tree.starts[position]);
  into.criteria?.push(criterion);
}

export interface SpanLocation {
  spanKey: number;
  traceId: string;
  spanId: string;
  recordOffset: number;
  recordLength: number;
  recordLine: number;
  recordIndex: number;
  format: string;
}

export interface IndexCounts {
  spans: number;
  traces: number;
  sessions: number;
  errors: number;
  logs: number;
}

/** A log record linked to a span. */
export interface IndexedLog {
  timeUs: number | null;
  severity: string | null;
  body: string;
  line: number;
}

/** The byte range of the file a batch came from, and the line number after it. */
export interface PieceRange {
  offset: number;
  endOffset: number;
  endLine: number;
}

/** What one batch changed, for the engine's counters and events. */
export interface BatchResult {
  gained: Map<string, { count: number; endUs: number | null }>;
  spans: number;
  traces: number;
  sessions: number;
  errors: number;
  logs: number;
}

/** How far the file is indexed: the end of the unbroken run of pieces from offset 0. */
export interface CommittedPosition {
  offset: number;
  line: number;
  /** A piece beyond a gap exists (a run that was killed mid-ingest): the index cannot be resumed. */
  hasGap: boolean;
}

export interface IndexTotals {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** The running totals a trace row and a session row both keep. */
interface AggregateColumns {
  session_id: string;
  session_key_source: string;
  start_us: number | null;
  end_us: number | null;
  span_count: number;
  error_count: number;
  denial_count: number;
  hitl_count: number;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  open_count: number;
  models: string;
  run_status: RunStatus | null;
  /** Sorted, newline-joined. */
  tags: string;
  /** Traces: stamped run meta (see the schema); sessions: the merged meta as a JSON object; '' for none. */
  meta: string;
}

interface TraceRow extends AggregateColumns {
  /** null until the row is first written. */
  trace_key: number | null;
  trace_id: string;
}

interface SessionRow extends AggregateColumns {
  duration_us: number | null;
  trace_count: number;
}

const SORT_COLUMNS: Record<SessionSortKey, string> = {
  session: 'session_id',
  start: 'start_us',
  duration: 'duration_us',
  traces: 'trace_count',
  spans: 'span_count',
  errors: 'error_count',
  denials: 'denial_count',
  humanReviews: 'hitl_count',
  tokens: 'total_tokens',
  cost: 'cost_usd',
};

const TRACE_ID_KEY_SOURCE = 'trace id';
const WAL_CHECKPOINT_PAGES = 4000;
/** A trace row's columns in the order selectTraceRows reads them. */
const TRACE_ROW_COLUMNS = `trace_key, trace_id, session_id, session_key_source, start_us, end_us, span_count, error_count, denial_count,
  hitl_count, input_tokens, output_tokens, cost_usd, open_count, models, run_status, tags, meta`;
const KEYS_PER_SELECT = 400;

/** The totals a trace row, a session row and a batch's delta all add up the same way. */
type Totals = Pick<
  AggregateColumns,
  'span_count' | 'error_count' | 'denial_count' | 'hitl_count' | 'input_tokens' | 'output_tokens' | 'cost_usd' | 'open_count' | 'start_us' | 'end_us' | 'run_status'
>;

/** Totals before anything is added to them. */
function zeroTotals(): Totals {
  return { span_count: 0, error_count: 0, denial_count: 0, hitl_count: 0, input_tokens: 0, output_tokens: 0, cost_usd: 0, open_count: 0, start_us: null, end_us: null, run_status: null };
}

/** Adds `from`'s totals to `into`'s. */
function addTotals(into: Totals, from: Totals): void {
  into.span_count += from.span_count;
  into.error_count += from.error_count;
  into.denial_count += from.denial_count;
  into.hitl_count += from.hitl_count;
  into.input_tokens += from.input_tokens;
  into.output_tokens += from.output_tokens;
  into.cost_usd += from.cost_usd;
  into.open_count += from.open_count;
  into.start_us = minNullable(into.start_us, from.start_us);
  into.end_us = maxNullable(into.end_us, from.end_us);
  into.run_status = worstRunStatus(into.run_status, from.run_status);
}

/**
 * What one batch adds to a trace's running totals, summed from its spans before the write
 * turn, so the turn only adds it to the stored row. `span_count` counts spans of the source
 * (a synthesized criterion is a row of the tree, never counted).
 */
interface TraceDelta extends Totals {
  models: Set<string>;
  tags: Set<string>;
  /** The batch's run meta, stamped ('' for none). */
  meta: string;
  /** The first span that names a session. */
  sessionKey: string | null;
  sessionKeySource: string | null;
}

function sumTraceDelta(spans: readonly IndexableSpan[]): TraceDelta {
  const delta: TraceDelta = {
    ...zeroTotals(),
    models: new Set(),
    tags: new Set(),
    meta: '',
    sessionKey: null,
    sessionKeySource: null,
  };
  for (const span of spans) {
    if (span.criterion === 'synthesized') continue;
    delta.span_count++;
    if (span.meta) delta.meta = mergeStampedMeta(delta.meta, span.meta, [span.startUs, span.recordOffset]);
    delta.run_status = worstRunStatus(delta.run_status, span.runStatus);
    if (span.tags) for (const tag of span.tags) delta.tags.add(tag);
    if (span.status === 'error' && !span.isVerdict) delta.error_count++;
    if (span.decision === 'deny' || span.decision === 'soft-deny') delta.denial_count++;
    if (span.decision === 'hitl') delta.hitl_count++;
    // Tokens and cost count on LLM spans only (wrappers repeat their children's usage), and
    // not on a grader's calls (evaluation cost is not the agent's usage).
    if (span.spanType === 'llm' && !span.isGraderCall) {
      delta.input_tokens += span.inputTokens ?? 0;
      delta.output_tokens += span.outputTokens ?? 0;
      delta.cost_usd += span.costUsd ?? 0;
    }
    // No end means running, unless the span has no times at all and a status says it finished.
    if (span.endUs === null && (span.startUs !== null || span.status === 'unset')) delta.open_count++;
    delta.start_us = minNullable(delta.start_us, span.startUs);
    delta.end_us = maxNullable(delta.end_us, maxNullable(span.endUs, span.startUs));
    if (span.model) delta.models.add(span.model);
    if (delta.sessionKey === null && span.sessionKey) {
      delta.sessionKey = span.sessionKey;
      delta.sessionKeySource = span.sessionKeySource ?? 'attribute';
    }
  }
  return delta;
}

/** A batch's spans grouped by trace, each trace's already encoded as blocks and summed. */
export interface PreparedSpans {
  spans: IndexableSpan[];
  byTrace: Map<string, { blocks: EncodedBlock[]; delta: TraceDelta }>;
}

/**
 * Groups spans by trace, encodes each trace's blocks and sums what they add to its totals: the
 * part of a batch that needs no database, so an index worker does it before taking its turn to write.
 */
export function prepareSpans(spans: IndexableSpan[]): PreparedSpans {
  const grouped = new Map<string, IndexableSpan[]>();
  for (const span of spans) {
    let list = grouped.get(span.traceId);
    if (!list) grouped.set(span.traceId, (list = []));
    list.push(span);
  }
  const byTrace = new Map<string, { blocks: EncodedBlock[]; delta: TraceDelta }>();
  for (const [traceId, list] of grouped) byTrace.set(traceId, { blocks: encodeSpanBlocks(list), delta: sumTraceDelta(list) });
  return { spans, byTrace };
}

/** A span read back from its block. */
interface FoundSpan {
  key: number;
  tree: BlockTree;
  position: number;
  fields: SpanFieldValues;
  traceId: string;
  sessionId: string;
}

function minNullable(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

function maxNullable(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

const RUN_STATUS_RANK: Record<RunStatus, number> = { completed: 1, truncated: 2, error: 3 };

/** A trace's summary takes the worst status of its runs: error > truncated > completed. */
function worstRunStatus(a: RunStatus | null, b: RunStatus | null): RunStatus | null {
  if (a === null) return b;
  if (b === null) return a;
  return RUN_STATUS_RANK[b] > RUN_STATUS_RANK[a] ? b : a;
}

/** When a run set its meta: its start (null: unknown, the earliest) and its record's offset (ties: later in the file). */
type MetaStamp = [startUs: number | null, recordOffset: number];
type StampedMeta = Record<string, [number | null, number, AttributeValue]>;

function isLaterStamp(a: MetaStamp, b: MetaStamp): boolean {
  const startA = a[0] ?? -Infinity;
  const startB = b[0] ?? -Infinity;
  return startA !== startB ? startA > startB : a[1] >= b[1];
}

/**
 * Merges run meta, the latest run (by start, then file order) winning per key, whatever
 * order the runs arrive in: each key keeps the stamp of the run that set it. `into` and
 * `stamped` are stamped JSON ('' for none); `meta` is one run's plain dict with its stamp.
 */
function mergeStampedMeta(into: string, meta: Attributes | null, stamp: MetaStamp | null, stamped?: string): string {
  // A Map, not an object: a key like "__proto__" stays a key.
  const merged = new Map(into === '' ? [] : Object.entries(JSON.parse(into) as StampedMeta));
  const entries: [string, MetaStamp, AttributeValue][] = [];
  if (meta && stamp) for (const [key, value] of Object.entries(meta)) entries.push([key, stamp, value]);
  if (stamped) for (const [key, [start, offset, value]] of Object.entries(JSON.parse(stamped) as StampedMeta)) entries.push([key, [start, offset], value]);
  for (const [key, entryStamp, value] of entries) {
    const current = merged.get(key);
    if (!current || isLaterStamp(entryStamp, [current[0], current[1]])) merged.set(key, [entryStamp[0], entryStamp[1], value]);
  }
  return JSON.stringify(Object.fromEntries(merged));
}

/** Stamped meta as the plain JSON object a session shows and is searched by ('' for none). */
function unstampMeta(stamped: string): string {
  if (stamped === '') return '';
  const entries = Object.entries(JSON.parse(stamped) as StampedMeta).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length === 0 ? '' : JSON.stringify(Object.fromEntries(entries.map(([key, [, , value]]) => [key, value])));
}

/** Union of two newline-joined sorted sets (models, tags). */
function mergeLines(a: string, b: Iterable<string>): string {
  const set = new Set(a === '' ? [] : a.split('\n'));
  for (const model of b) set.add(model);
  return [...set].sort().join('\n');
}

function toSessionSummary(sourceId: string, row: SessionRow): SessionSummary {
  return {
    sourceId,
    sessionId: row.session_id,
    sessionKeySource: row.session_key_source,
    startUs: row.start_us,
    endUs: row.end_us,
    durationUs: row.duration_us,
    traces: row.trace_count,
    spans: row.span_count,
    errors: row.error_count,
    denials: row.denial_count,
    humanReviews: row.hitl_count,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    costUsd: row.cost_usd,
    models: row.models === '' ? [] : row.models.split('\n'),
    hasOpenSpans: row.open_count > 0,
    runStatus: row.run_status,
    tags: row.tags === '' ? [] : row.tags.split('\n'),
    meta: row.meta === '' ? {} : (JSON.parse(row.meta) as Attributes),
  };
}

export class IndexDb {
  private readonly db: Database.Database;
  private readonly insertBlock: Database.Statement;
  private readonly insertSpanKey: Database.Statement;
  private readonly insertTrace: Database.Statement;
  private readonly updateTrace: Database.Statement;
  private readonly updateTraceAndSession: Database.Statement;
  private readonly insertSession: Database.Statement;
  private readonly updateSession: Database.Statement;
  private readonly deleteSession: Database.Statement;
  private readonly insertError: Database.Statement;
  private readonly insertPiece: Database.Statement;
  private readonly insertLog: Database.Statement;
  private readonly bumpCounter: Database.Statement;
  private readonly statements = new Map<string, Database.Statement>();

  /** Opens (creating if needed) the index database at `path`. */
  constructor(path: string, options: { busyTimeoutMs?: number } = {}) {
    this.db = new Database(path);
    this.db.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 30_000}`);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = OFF');
    // Checkpoint every ~16 MB of log instead of 4: the pages every piece rewrites (trace and
    // session rows, counters) are copied to the database once per checkpoint, not once per
    // 4 MB (measured: ingest +9% on 200 MB).
    this.db.pragma(`wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`);
    this.db.exec(SCHEMA);
    const version = this.getMeta('schema_version');
    if (version !== null && version !== String(SCHEMA_VERSION)) {
      // An index written by another version of Tracelight: rebuild it from the source.
      this.db.exec('DROP TABLE IF EXISTS spans; DROP TABLE IF EXISTS span_blocks; DROP TABLE IF EXISTS span_keys; DROP TABLE IF EXISTS session_trees; DROP TABLE IF EXISTS traces; DROP TABLE IF EXISTS sessions; DROP TABLE IF EXISTS errors; DROP TABLE IF EXISTS logs; DROP TABLE IF EXISTS pieces; DELETE FROM meta;');
      this.db.exec(SCHEMA);
    }
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run('schema_version', String(SCHEMA_VERSION));
    this.insertBlock = this.db.prepare(
      `INSERT INTO span_blocks (trace_key, first_offset, first_index, last_offset, last_index, span_count, conversation_count, tree, fields)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertSpanKey = this.db.prepare('INSERT OR REPLACE INTO span_keys (span_key, block_key, position) VALUES (?, ?, ?)');
    // A row that exists is updated, not replaced: REPLACE deletes and reinserts it, rewriting
    // every index entry; an UPDATE rewrites only the indexes of the columns it sets (so the
    // trace's session is set only when it changes).
    const traceTotals = `start_us = ?, end_us = ?, span_count = ?, error_count = ?, denial_count = ?, hitl_count = ?, input_tokens = ?,
       output_tokens = ?, cost_usd = ?, open_count = ?, models = ?, run_status = ?, tags = ?, meta = ?`;
    this.insertTrace = this.db.prepare(
      `INSERT INTO traces (session_id, session_key_source, start_us, end_us, span_count, error_count, denial_count, hitl_count,
         input_tokens, output_tokens, cost_usd, open_count, models, run_status, tags, meta, trace_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.updateTrace = this.db.prepare(`UPDATE traces SET ${traceTotals} WHERE trace_key = ?`);
    this.updateTraceAndSession = this.db.prepare(`UPDATE traces SET session_id = ?, session_key_source = ?, ${traceTotals} WHERE trace_key = ?`);
    const sessionColumns = `session_key_source, start_us, end_us, duration_us, trace_count, span_count, error_count, denial_count,
       hitl_count, input_tokens, output_tokens, total_tokens, cost_usd, open_count, models, run_status, tags, meta`;
    this.insertSession = this.db.prepare(`INSERT INTO sessions (${sessionColumns}, session_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.updateSession = this.db.prepare(`UPDATE sessions SET (${sessionColumns}) = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE session_id = ?`);
    this.deleteSession = this.db.prepare('DELETE FROM sessions WHERE session_id = ?');
    this.insertError = this.db.prepare(
      'INSERT INTO errors (line, offset, length, reason, excerpt) VALUES (@line, @offset, @lengthBytes, @reason, @excerpt)',
    );
    this.insertLog = this.db.prepare(
      'INSERT INTO logs (time_us, severity, body, trace_id, span_id, record_offset, record_length, record_line) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.insertPiece = this.db.prepare('INSERT OR REPLACE INTO pieces (offset, end_offset, end_line) VALUES (?, ?, ?)');
    this.bumpCounter = this.db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + CAST(excluded.value AS INTEGER)',
    );
  }

  /** A prepared statement, prepared once per SQL text (SQLite parses on every prepare). */
  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) this.statements.set(sql, (statement = this.db.prepare(sql)));
    return statement;
  }

  /** Counters kept in meta by every batch (count(*) over millions of spans would be slow). */
  getCounts(): IndexCounts {
    const rows = this
      .statement("SELECT key, value FROM meta WHERE key IN ('span_count', 'trace_count', 'session_count', 'error_count', 'log_count')")
      .all() as { key: string; value: string }[];
    const counts: IndexCounts = { spans: 0, traces: 0, sessions: 0, errors: 0, logs: 0 };
    for (const row of rows) {
      const n = Number(row.value);
      if (row.key === 'span_count') counts.spans = n;
      else if (row.key === 'trace_count') counts.traces = n;
      else if (row.key === 'session_count') counts.sessions = n;
      else if (row.key === 'log_count') counts.logs = n;
      else counts.errors = n;
    }
    return counts;
  }

  /** The end of the unbroken run of indexed pieces starting at offset 0. */
  readCommittedPosition(): CommittedPosition {
    const pieces = this.statement('SELECT offset, end_offset AS endOffset, end_line AS endLine FROM pieces ORDER BY offset').all() as PieceRange[];
    let offset = 0;
    let line = 1;
    for (const piece of pieces) {
      if (piece.offset !== offset) return { offset, line, hasGap: true };
      offset = piece.endOffset;
      line = piece.endLine;
    }
    return { offset, line, hasGap: false };
  }

  getMeta(key: string): string | null {
    const row = this.statement('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? row.value : null;
  }

  setMeta(key: string, value: string): void {
    this.statement('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(key, value);
  }

  /** Removes every span, trace, session and error (the file was truncated or replaced). */
  clear(): void {
    this.db.exec("DELETE FROM span_blocks; DELETE FROM span_keys; DELETE FROM session_trees; DELETE FROM traces; DELETE FROM sessions; DELETE FROM errors; DELETE FROM logs; DELETE FROM pieces; DELETE FROM meta WHERE key != 'schema_version';");
  }

  /**
   * Adds the spans and errors of one piece of the file in one IMMEDIATE transaction (so
   * parallel writers queue instead of failing), records the piece, and updates trace and
   * session aggregates and the counters.
   */
  addBatch(spans: IndexableSpan[] | PreparedSpans, errors: Omit<SourceError, 'sourceId'>[], piece: PieceRange, logs: IndexableLog[] = []): BatchResult {
    const prepared = Array.isArray(spans) ? prepareSpans(spans) : spans;
    const run = this.db.transaction(() => this.addBatchInTransaction(prepared, errors, piece, logs));
    return run.immediate();
  }

  private addBatchInTransaction(
    { spans, byTrace }: PreparedSpans,
    errors: Omit<SourceError, 'sourceId'>[],
    piece: PieceRange,
    logs: IndexableLog[],
  ): BatchResult {
    for (const error of errors) this.insertError.run(error);
    for (const log of logs) {
      this.insertLog.run(log.timeUs, log.severity, log.body, log.traceId, log.spanId, log.recordOffset, log.recordLength, log.recordLine);
    }
    let synthesized = 0;
    for (const span of spans) if (span.criterion === 'synthesized') synthesized++;
    const result: BatchResult = { gained: new Map(), spans: spans.length - synthesized, traces: 0, sessions: 0, errors: errors.length, logs: logs.length };

    // Traces first: a new trace gets its key here, and spans are written with it.
    const touchedSessions = new Set<string>();
    const existingTraces = new Map<string, TraceRow>();
    for (const row of this.selectTraceRows('trace_id', [...byTrace.keys()])) existingTraces.set(row.trace_id, row);
    const traceKeys = new Map<string, number>();
    for (const [traceId, { delta }] of byTrace) {
      const existing = existingTraces.get(traceId);
      if (!existing) result.traces++;
      const row: TraceRow = existing ?? {
        trace_key: null,
        trace_id: traceId,
        session_id: traceId,
        session_key_source: TRACE_ID_KEY_SOURCE,
        ...zeroTotals(),
        models: '',
        tags: '',
        meta: '',
      };
      const previousSession = existing ? existing.session_id : null;
      const counted = delta.span_count;
      addTotals(row, delta);
      if (delta.meta !== '') row.meta = mergeStampedMeta(row.meta, null, null, delta.meta);
      // The first span that names a session decides the trace's session.
      if (row.session_key_source === TRACE_ID_KEY_SOURCE && delta.sessionKey !== null) {
        row.session_id = delta.sessionKey;
        row.session_key_source = delta.sessionKeySource ?? 'attribute';
      }
      row.models = mergeLines(row.models, delta.models);
      row.tags = mergeLines(row.tags, delta.tags);
      // Positional, not named: binding 18 names means 18 property lookups on the row.
      const totals = [
        row.start_us, row.end_us, row.span_count, row.error_count, row.denial_count, row.hitl_count, row.input_tokens,
        row.output_tokens, row.cost_usd, row.open_count, row.models, row.run_status, row.tags, row.meta,
      ];
      if (row.trace_key === null) {
        const written = this.insertTrace.run(row.session_id, row.session_key_source, ...totals, row.trace_id);
        traceKeys.set(traceId, Number(written.lastInsertRowid));
      } else {
        if (row.session_id === previousSession) this.updateTrace.run(...totals, row.trace_key);
        else this.updateTraceAndSession.run(row.session_id, row.session_key_source, ...totals, row.trace_key);
        traceKeys.set(traceId, row.trace_key);
      }
      if (previousSession !== null && previousSession !== row.session_id) touchedSessions.add(previousSession);
      touchedSessions.add(row.session_id);
      const gain = result.gained.get(row.session_id) ?? { count: 0, endUs: null };
      gain.count += counted;
      gain.endUs = maxNullable(gain.endUs, row.end_us);
      result.gained.set(row.session_id, gain);
    }

    for (const [traceId, { blocks }] of byTrace) {
      const traceKey = traceKeys.get(traceId)!;
      for (const block of blocks) {
        const written = this.insertBlock.run(
          traceKey, block.firstOffset, block.firstIndex, block.lastOffset, block.lastIndex, block.spanCount, block.conversationCount, block.tree, block.fields,
        );
        if (!block.keys) continue;
        const blockKey = Number(written.lastInsertRowid);
        block.keys.forEach((key, position) => this.insertSpanKey.run(key, blockKey, position));
      }
    }

    result.sessions += this.recomputeSessions([...touchedSessions]);
    this.insertPiece.run(piece.offset, piece.endOffset, piece.endLine);
    this.bumpCounter.run('span_count', String(result.spans));
    this.bumpCounter.run('trace_count', String(result.traces));
    this.bumpCounter.run('session_count', String(result.sessions));
    this.bumpCounter.run('error_count', String(result.errors));
    if (result.logs > 0) this.bumpCounter.run('log_count', String(result.logs));
    return result;
  }

  /**
   * Trace rows whose `column` is one of `keys`. Read as arrays and made into objects here: a
   * row object made by the driver costs a call into V8 per column, and every piece reads dozens.
   */
  private selectTraceRows(column: 'trace_id' | 'session_id', keys: readonly string[]): TraceRow[] {
    const rows: TraceRow[] = [];
    for (let start = 0; start < keys.length; start += KEYS_PER_SELECT) {
      const chunk = keys.slice(start, start + KEYS_PER_SELECT);
      const sql = `SELECT ${TRACE_ROW_COLUMNS} FROM traces WHERE ${column} IN (${'?,'.repeat(chunk.length - 1)}?)`;
      for (const r of this.statement(sql).raw().all(...chunk) as unknown[][]) {
        rows.push({
          trace_key: r[0] as number,
          trace_id: r[1] as string,
          session_id: r[2] as string,
          session_key_source: r[3] as string,
          start_us: r[4] as number | null,
          end_us: r[5] as number | null,
          span_count: r[6] as number,
          error_count: r[7] as number,
          denial_count: r[8] as number,
          hitl_count: r[9] as number,
          input_tokens: r[10] as number,
          output_tokens: r[11] as number,
          cost_usd: r[12] as number,
          open_count: r[13] as number,
          models: r[14] as string,
          run_status: r[15] as RunStatus | null,
          tags: r[16] as string,
          meta: r[17] as string,
        });
      }
    }
    return rows;
  }

  /** Rows of `sqlPrefix (?, ?, …)` for many keys, read a few hundred keys per statement. */
  private selectWhereIn<T>(sqlPrefix: string, keys: readonly (string | number)[]): T[] {
    const rows: T[] = [];
    for (let start = 0; start < keys.length; start += KEYS_PER_SELECT) {
      const chunk = keys.slice(start, start + KEYS_PER_SELECT);
      rows.push(...(this.statement(`${sqlPrefix} (${'?,'.repeat(chunk.length - 1)}?)`).all(...chunk) as T[]));
    }
    return rows;
  }

  /** Rebuilds sessions' aggregates from their traces (two reads for all of them); returns the change in session count. */
  private recomputeSessions(sessionIds: string[]): number {
    const tracesBySession = new Map<string, TraceRow[]>();
    for (const trace of this.selectTraceRows('session_id', sessionIds)) {
      let list = tracesBySession.get(trace.session_id);
      if (!list) tracesBySession.set(trace.session_id, (list = []));
      list.push(trace);
    }
    const existing = new Set(
      this.selectWhereIn<{ session_id: string }>('SELECT session_id FROM sessions WHERE session_id IN', sessionIds).map((row) => row.session_id),
    );
    let delta = 0;
    for (const sessionId of sessionIds) delta += this.writeSession(sessionId, tracesBySession.get(sessionId) ?? [], existing.has(sessionId));
    return delta;
  }

  /** Writes one session's aggregate from its traces; returns +1 / -1 / 0 sessions. */
  private writeSession(sessionId: string, traces: TraceRow[], existed: boolean): number {
    if (traces.length === 0) {
      if (!existed) return 0;
      this.deleteSession.run(sessionId);
      return -1;
    }
    const row: SessionRow & { total_tokens: number } = {
      session_id: sessionId,
      session_key_source: traces[0].session_key_source,
      ...zeroTotals(),
      duration_us: null,
      trace_count: traces.length,
      total_tokens: 0,
      models: '',
      tags: '',
      meta: '',
    };
    const models: string[] = [];
    const tags: string[] = [];
    let meta = '';
    for (const trace of traces) {
      if (trace.meta !== '') meta = mergeStampedMeta(meta, null, null, trace.meta);
      addTotals(row, trace);
      if (trace.models !== '') models.push(...trace.models.split('\n'));
      if (trace.tags !== '') tags.push(...trace.tags.split('\n'));
    }
    row.total_tokens = row.input_tokens + row.output_tokens;
    row.duration_us = row.start_us !== null && row.end_us !== null ? row.end_us - row.start_us : null;
    row.models = mergeLines('', models);
    row.tags = mergeLines('', tags);
    row.meta = unstampMeta(meta);
    (existed ? this.updateSession : this.insertSession).run(
      row.session_key_source, row.start_us, row.end_us, row.duration_us, row.trace_count, row.span_count, row.error_count, row.denial_count,
      row.hitl_count, row.input_tokens, row.output_tokens, row.total_tokens, row.cost_usd, row.open_count, row.models, row.run_status, row.tags, row.meta,
      row.session_id,
    );
    return existed ? 0 : 1;
  }

  /** A page of sessions. */
  querySessions(
    sourceId: string,
    options: { sortBy: SessionSortKey; sortDir: 'asc' | 'desc'; filter: string; offset: number; limit: number },
  ): { total: number; rows: SessionSummary[] } {
    const column = SORT_COLUMNS[options.sortBy] ?? 'start_us';
    const direction = options.sortDir === 'asc' ? 'ASC' : 'DESC';
    const where = options.filter
      ? "WHERE session_id LIKE @pattern ESCAPE '\\' OR models LIKE @pattern ESCAPE '\\' OR tags LIKE @pattern ESCAPE '\\' OR meta LIKE @pattern ESCAPE '\\'"
      : '';
    const pattern = `%${options.filter.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const params = { pattern, limit: options.limit, offset: options.offset };
    const total = (this.statement(`SELECT count(*) AS n FROM sessions ${where}`).get(params) as { n: number }).n;
    const rows = this
      .statement(`SELECT * FROM sessions ${where} ORDER BY ${column} ${direction}, session_id ASC LIMIT @limit OFFSET @offset`)
      .all(params) as SessionRow[];
    return { total, rows: rows.map((row) => toSessionSummary(sourceId, row)) };
  }

  getSession(sourceId: string, sessionId: string): SessionSummary | null {
    const row = this.statement('SELECT * FROM sessions WHERE session_id = ?').get(sessionId) as SessionRow | undefined;
    return row ? toSessionSummary(sourceId, row) : null;
  }

  /**
   * What the span tree of a session (or of one of its traces) needs, in file order (traces
   * by start), read off the tree columns of the traces' blocks.
   */
  querySessionTreeSpans(sessionId: string, traceId?: string): SessionSpans {
    const traces = (
      traceId !== undefined
        ? this.statement('SELECT trace_key, trace_id FROM traces WHERE trace_id = ? AND session_id = ?').raw().all(traceId, sessionId)
        : this.statement('SELECT trace_key, trace_id FROM traces WHERE session_id = ? ORDER BY start_us, trace_id').raw().all(sessionId)
    ) as [number, string][];
    const spans = emptySessionSpans();
    for (const [traceKey, id] of traces) {
      const blocks = this
        .statement('SELECT block_key, first_offset, first_index, last_offset, last_index, tree FROM span_blocks WHERE trace_key = ? ORDER BY first_offset, first_index')
        .raw()
        .all(traceKey) as [number, number, number, number, number, string][];
      let isInterleaved = false;
      for (let b = 1; b < blocks.length && !isInterleaved; b++) isInterleaved = compareFileOrder(blocks[b - 1][3], blocks[b - 1][4], blocks[b][1], blocks[b][2]) > 0;
      if (isInterleaved) {
        this.readInterleavedTrace(traceKey, id, spans);
        continue;
      }
      for (const [blockKey, , , , , text] of blocks) {
        const tree = parseBlockTree(text);
        for (let position = 0; position < tree.ids.length; position++) pushTreeSpan(spans, tree, blockKey, position, id);
      }
    }
    return spans;
  }

  /**
   * A trace whose blocks overlap in file order (a run database's batches may interleave rows;
   * a file's pieces never do): its spans appended in file order, sorted by their fields.
   */
  private readInterleavedTrace(traceKey: number, traceId: string, into: SessionSpans): void {
    const blocks = this.statement('SELECT block_key, tree, fields FROM span_blocks WHERE trace_key = ?').raw().all(traceKey) as [number, string, string][];
    const spans: { tree: BlockTree; blockKey: number; position: number; offset: number; index: number }[] = [];
    for (const [blockKey, treeText, fieldsText] of blocks) {
      const tree = parseBlockTree(treeText);
      const fields = parseBlockFields(fieldsText);
      for (let position = 0; position < tree.ids.length; position++) {
        spans.push({ tree, blockKey, position, offset: fields.offsets[position], index: fields.indexes[position] });
      }
    }
    spans.sort((a, b) => compareFileOrder(a.offset, a.index, b.offset, b.index));
    for (const { tree, blockKey, position } of spans) pushTreeSpan(into, tree, blockKey, position, traceId);
  }

  /**
   * The typed Message and ToolExecution spans of a session (or of one of its traces) in start
   * order (ties: file order), at most `limit`, and how many there are in all.
   */
  queryConversationSpans(sessionId: string, traceId: string | undefined, limit: number): { spanKeys: number[]; total: number } {
    const blocks = this
      .statement(
        `SELECT b.block_key, b.tree, b.fields FROM span_blocks b JOIN traces t ON t.trace_key = b.trace_key
         WHERE t.session_id = @sessionId ${traceId !== undefined ? 'AND t.trace_id = @traceId' : ''} AND b.conversation_count > 0`,
      )
      .raw()
      .all({ sessionId, traceId: traceId ?? null }) as [number, string, string][];
    const found: { key: number; startUs: number | null; offset: number; index: number }[] = [];
    for (const [blockKey, treeText, fieldsText] of blocks) {
      const tree = parseBlockTree(treeText);
      const fields = parseBlockFields(fieldsText);
      for (let position = 0; position < tree.ids.length; position++) {
        if (!isConversationSpan(fields, position)) continue;
        found.push({ key: blockSpanKey(blockKey, position, tree), startUs: tree.starts[position], offset: fields.offsets[position], index: fields.indexes[position] });
      }
    }
    // Start order, spans without a start last; ties in file order.
    found.sort((a, b) => {
      const startA = a.startUs ?? Infinity;
      const startB = b.startUs ?? Infinity;
      if (startA !== startB) return startA < startB ? -1 : 1;
      return compareFileOrder(a.offset, a.index, b.offset, b.index);
    });
    return { spanKeys: found.slice(0, limit).map(({ key }) => key), total: found.length };
  }

  /** The time span of a session (or one of its traces): earliest start, latest end or start. */
  querySessionBounds(sessionId: string, traceId?: string): { startUs: number | null; endUs: number | null } {
    const where = traceId !== undefined ? 'session_id = ? AND trace_id = ?' : 'session_id = ?';
    const params = traceId !== undefined ? [sessionId, traceId] : [sessionId];
    return this.statement(`SELECT min(start_us) AS startUs, max(end_us) AS endUs FROM traces WHERE ${where}`).get(...params) as {
      startUs: number | null;
      endUs: number | null;
    };
  }

  /** The list fields of some spans, by key (a window of the waterfall). */
  querySpanRows(spanKeys: readonly number[]): Map<number, IndexedSpanRow> {
    const rows = new Map<number, IndexedSpanRow>();
    for (const { key, tree, position, fields, traceId } of this.findSpans(spanKeys)) {
      rows.set(key, {
        spanKey: key,
        traceId,
        spanId: tree.ids[position],
        parentSpanId: tree.parents[position],
        name: fields.name,
        spanType: fields.spanType,
        status: fields.status,
        startUs: tree.starts[position],
        endUs: fields.endUs,
        model: fields.model,
        inputTokens: fields.inputTokens,
        outputTokens: fields.outputTokens,
        decision: fields.decision,
      });
    }
    return rows;
  }

  /** Spans by key, each with its trace and session; unknown keys are left out. */
  private findSpans(spanKeys: readonly number[]): FoundSpan[] {
    // Where each span is: a source's own keys are looked up, a file's are computed.
    const positions = new Map<number, { blockKey: number; position: number }>();
    const hasOwnKeys = this.statement('SELECT EXISTS (SELECT 1 FROM span_keys)').pluck().get() === 1;
    if (hasOwnKeys) {
      const keyed = this.selectWhereIn<{ span_key: number; block_key: number; position: number }>(
        'SELECT span_key, block_key, position FROM span_keys WHERE span_key IN',
        spanKeys,
      );
      for (const { span_key: key, block_key: blockKey, position } of keyed) positions.set(key, { blockKey, position });
    } else {
      for (const key of spanKeys) {
        const location = locateFileSpanKey(key);
        if (location) positions.set(key, location);
      }
    }
    const blockKeys = [...new Set([...positions.values()].map(({ blockKey }) => blockKey))];
    const blocks = new Map<number, { tree: BlockTree; fields: BlockFields; traceId: string; sessionId: string }>();
    const rows = this.selectWhereIn<{ block_key: number; tree: string; fields: string; trace_id: string; session_id: string }>(
      'SELECT b.block_key, b.tree, b.fields, t.trace_id, t.session_id FROM span_blocks b JOIN traces t ON t.trace_key = b.trace_key WHERE b.block_key IN',
      blockKeys,
    );
    for (const row of rows) {
      blocks.set(row.block_key, { tree: parseBlockTree(row.tree), fields: parseBlockFields(row.fields), traceId: row.trace_id, sessionId: row.session_id });
    }
    const found: FoundSpan[] = [];
    for (const [key, { blockKey, position }] of positions) {
      const block = blocks.get(blockKey);
      if (!block || position >= block.tree.ids.length || blockSpanKey(blockKey, position, block.tree) !== key) continue;
      found.push({ key, tree: block.tree, position, fields: readSpanFields(block.fields, position), traceId: block.traceId, sessionId: block.sessionId });
    }
    return found;
  }

  /**
   * What a session's spans are now, as a mark to compare: its newest block and its rows.
   * Blocks are only ever added (a clear removes stored trees too), so equal marks mean the
   * same spans.
   */
  readSessionBlockMark(sessionId: string): string {
    const row = this
      .statement(
        `SELECT max(b.block_key) AS last, coalesce(sum(b.span_count), 0) AS rows FROM span_blocks b JOIN traces t ON t.trace_key = b.trace_key
         WHERE t.session_id = ?`,
      )
      .get(sessionId) as { last: number | null; rows: number };
    return `${row.last ?? 0}:${row.rows}`;
  }

  /** Sessions with at least this many spans, most spans first. */
  querySessionsWithSpans(minSpans: number): string[] {
    return this.statement('SELECT session_id FROM sessions WHERE span_count >= ? ORDER BY span_count DESC').pluck().all(minSpans) as string[];
  }

  readSessionTree(sessionId: string): { mark: string; tree: Buffer } | null {
    return (this.statement('SELECT mark, tree FROM session_trees WHERE session_id = ?').get(sessionId) as { mark: string; tree: Buffer } | undefined) ?? null;
  }

  /**
   * Copies what the write-ahead log holds into the database file, without waiting for readers.
   * Indexing lets the log grow to WAL_CHECKPOINT_PAGES; once a file is read, reads (a
   * sessions table scrolled deep) are faster from the database than from a large log.
   */
  checkpoint(): void {
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  writeSessionTree(sessionId: string, mark: string, tree: Buffer): void {
    this.statement('INSERT OR REPLACE INTO session_trees (session_id, mark, tree) VALUES (?, ?, ?)').run(sessionId, mark, tree);
  }

  /** Log records written inside one span, in time order. */
  queryLogsOfSpan(traceId: string, spanId: string, limit = 500): IndexedLog[] {
    return this
      .statement(
        'SELECT time_us AS timeUs, severity, body, record_line AS line FROM logs WHERE trace_id = ? AND span_id = ? ORDER BY time_us, record_offset LIMIT ?',
      )
      .all(traceId, spanId, limit) as IndexedLog[];
  }

  /** Where a span's record is in the file, and which session it belongs to. */
  getSpanLocation(spanKey: number): (SpanLocation & { sessionId: string }) | null {
    const [found] = this.findSpans([spanKey]);
    if (!found) return null;
    const { key, tree, position, fields, traceId, sessionId } = found;
    return {
      spanKey: key,
      traceId,
      spanId: tree.ids[position],
      recordOffset: fields.recordOffset,
      recordLength: fields.recordLength,
      recordLine: fields.recordLine,
      recordIndex: fields.recordIndex,
      format: fields.format,
      sessionId,
    };
  }

  /**
   * Every session's span count and a mark of its list fields: comparing two indexes of the
   * same store by these tells which sessions a re-read changed.
   */
  querySessionMarks(): Map<string, { spanCount: number; mark: string }> {
    const rows = this.statement(
      `SELECT session_id AS sessionId, span_count AS spanCount,
         span_count || ':' || ifnull(start_us, '') || ':' || ifnull(end_us, '') || ':' || error_count || ':' || denial_count || ':' ||
         hitl_count || ':' || input_tokens || ':' || output_tokens || ':' || cost_usd || ':' || open_count || ':' || ifnull(run_status, '') || ':' || tags || ':' || ifnull(meta, '') AS mark
       FROM sessions`,
    ).all() as { sessionId: string; spanCount: number; mark: string }[];
    return new Map(rows.map((row) => [row.sessionId, { spanCount: row.spanCount, mark: row.mark }]));
  }

  queryErrors(offset: number, limit: number): { total: number; rows: Omit<SourceError, 'sourceId'>[] } {
    const rows = this
      .statement('SELECT line, offset, length AS lengthBytes, reason, excerpt FROM errors ORDER BY offset LIMIT ? OFFSET ?')
      .all(limit, offset) as Omit<SourceError, 'sourceId'>[];
    return { total: this.getCounts().errors, rows };
  }

  /** Token and cost totals over every trace. */
  queryTotals(): IndexTotals {
    const row = this
      .statement('SELECT coalesce(sum(input_tokens), 0) AS i, coalesce(sum(output_tokens), 0) AS o, coalesce(sum(cost_usd), 0) AS c FROM traces')
      .get() as { i: number; o: number; c: number };
    return { inputTokens: row.i, outputTokens: row.o, costUsd: row.c };
  }

  close(): void {
    this.db.close();
  }
}
