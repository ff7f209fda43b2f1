/**
 * Values that cross the contract. All JSON-safe: times are integer microseconds since the
 * Unix epoch (`...Us`), ids are strings, nothing is a class instance.
 */
import type { Attributes } from '../model/attribute-value';
import type { Decision, SpanKind, SpanStatus, SpanType } from '../model/span-type';

export type SourceStatus = 'loading' | 'live' | 'idle' | 'missing' | 'failed';

/** One opened file (a folder opens as one source per file inside it). */
export interface SourceInfo {
  sourceId: string;
  path: string;
  /** Basename, for the sidebar. */
  name: string;
  /** Detected format(s) of the records read so far, e.g. "otel-console", "otlp-json"; null before the first record. */
  format: string | null;
  status: SourceStatus;
  /** True while the file is watched and appends show up live. */
  isLive: boolean;
  sizeBytes: number;
  bytesRead: number;
  spans: number;
  traces: number;
  sessions: number;
  errors: number;
  /** Log records found among the spans (kept as logs, shown with their span). */
  logs: number;
  /** Why the source could not be read at all (status "failed" or "missing"). */
  failure: string | null;
}

export type SessionSortKey =
  | 'session'
  | 'start'
  | 'duration'
  | 'traces'
  | 'spans'
  | 'errors'
  | 'denials'
  | 'humanReviews'
  | 'tokens'
  | 'cost';

export interface SessionQuery {
  /** Omitted: sessions of every open source. */
  sourceId?: string;
  sortBy?: SessionSortKey;
  sortDir?: 'asc' | 'desc';
  /** Case-insensitive (ASCII) substring of the session id, a model, a tag, or a run meta key or value. */
  filter?: string;
  offset: number;
  limit: number;
}

export interface SessionSummary {
  sourceId: string;
  sessionId: string;
  /** Which key the session id came from ("kitelogik.session_id", "trace id" ...). */
  sessionKeySource: string;
  startUs: number | null;
  endUs: number | null;
  durationUs: number | null;
  traces: number;
  spans: number;
  /** Spans with status error that are not policy verdicts. */
  errors: number;
  /** Policy decisions that were deny or soft deny. */
  denials: number;
  /** Policy decisions that asked for human review. */
  humanReviews: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  models: string[];
  /** Some span has no end yet. */
  hasOpenSpans: boolean;
  /** Worst outcome of the session's typed runs (error > truncated > completed); null without runs. */
  runStatus: 'completed' | 'truncated' | 'error' | null;
  /** Union of run tags and span tags, sorted. */
  tags: string[];
  /** Typed runs' `meta` merged, the latest run (by start) winning per key; keys sorted; {} without meta. */
  meta: Attributes;
}

export interface SessionPage {
  total: number;
  offset: number;
  rows: SessionSummary[];
}

export interface SessionRef {
  sourceId: string;
  sessionId: string;
}

export interface WaterfallQuery extends SessionRef {
  /** Restrict to one trace of the session. */
  traceId?: string;
  /** spanKeys whose subtrees are hidden. */
  collapsedKeys: string[];
  offset: number;
  limit: number;
  /** A span to locate: the answer says at which row it is (or which collapsed ancestors hide it). */
  revealKey?: string;
}

export interface WaterfallRow {
  /** Stable key of this span within its source (span ids may repeat across traces). */
  spanKey: string;
  spanId: string;
  traceId: string;
  parentKey: string | null;
  depth: number;
  name: string;
  spanType: SpanType;
  status: SpanStatus;
  startUs: number;
  /** null: the span has not ended (still running, or its end was never written). */
  endUs: number | null;
  childCount: number;
  isCollapsed: boolean;
  /** Its parent id is set but no such span has been read. */
  isOrphan: boolean;
  /** Starts before its parent or ends after it (clock skew, async work): drawn as recorded, flagged. */
  isOutsideParent: boolean;
  /** True for a criterion Tracelight read from its Grade's `criteria` list (not a span of the source); absent otherwise. */
  isSynthesized?: boolean;
  decision: Decision | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
}

export interface WaterfallWindow {
  /** Rows of the flattened tree after collapsing. */
  totalRows: number;
  /** Spans of the source in the tree; criteria synthesised from a Grade's `criteria` are rows but not counted. */
  totalSpans: number;
  offset: number;
  /** The time axis of the whole session (or trace). */
  startUs: number;
  endUs: number;
  rows: WaterfallRow[];
  /** Row index of revealKey in the flattened tree; null when absent or hidden by a collapsed ancestor. */
  revealIndex: number | null;
  /** spanKeys of revealKey's ancestors, root first (expand these to show it). */
  revealAncestorKeys: string[];
}

export interface SpanRef {
  sourceId: string;
  spanKey: string;
}

export interface SpanEvent {
  name: string;
  timeUs: number | null;
  attributes: Attributes;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

/** A value the engine derived, and the attribute key it was read from. */
export interface DerivedField {
  field: 'spanType' | 'runStatus' | 'model' | 'provider' | 'inputTokens' | 'outputTokens' | 'costUsd' | 'session' | 'decision' | 'riskTier' | 'decisionReason' | 'score';
  value: string | number;
  fromKey: string;
}

export interface RawRecord {
  path: string;
  /** 1-based line of the record's first byte. */
  line: number;
  offset: number;
  lengthBytes: number;
  /** The record exactly as it is in the file (cut at 1 MB, see isCut); a database row as JSON. */
  text: string;
  isCut: boolean;
  /** For a run database: the table and rowid the span was read from (line and offset are then 0). */
  table?: string;
  rowid?: number;
}

/**
 * One part of a conversation message. Images keep base64 data as a `data:` URL (never indexed
 * for search); `url` is any other reference (https, `caribou-image://`), which the viewer does
 * not fetch. Tool arguments and results are text (JSON is kept as its text). Parts no
 * convention defines are `other`, shown raw.
 */
export type ConversationPart =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'image'; dataUrl: string; mimeType?: string }
  | { type: 'image'; url: string; mimeType?: string }
  | { type: 'tool_call'; id: string | null; name: string; arguments: string }
  | { type: 'tool_result'; id: string | null; content: string }
  | { type: 'other'; raw: string };

export interface ConversationMessage {
  role: string;
  name?: string;
  /** Whether the message was sent to the model or produced by it, when the convention says. */
  direction?: 'input' | 'output';
  finishReason?: string;
  parts: ConversationPart[];
}

/** The messages of one span, read from whichever convention carried them. */
export interface Conversation {
  messages: ConversationMessage[];
  /** The attribute keys (or event names) the messages were read from, for provenance. */
  fromKeys: string[];
}

export interface TraceConversationQuery extends SessionRef {
  /** Restrict to one trace of the session; omitted: every trace of the session, in one time order. */
  traceId?: string;
}

/** One message of a whole-trace conversation, with the span it was read from. */
export interface TraceConversationMessage extends ConversationMessage {
  spanKey: string;
  spanId: string;
  traceId: string;
  /** The span's start (messages are in start order, ties in file order). */
  startUs: number | null;
  /** A grader's own LLM call or prompt: evaluation, not the agent's dialogue. */
  isGrader: boolean;
  /** A tool result that is the tool's `error`. */
  isError: boolean;
}

/**
 * The dialogue of a typed-span session or trace (FORMATS.md §9): its Message spans (user,
 * system, assistant with tool calls; grader messages flagged) and its tool executions'
 * results, in start order. A tool's call is shown only when no assistant message asked for it.
 */
export interface TraceConversation {
  messages: TraceConversationMessage[];
  /** The cap was reached: `messages` holds the first `maxMessages`, later spans are left out. */
  isCut: boolean;
  /** The cap: at most this many messages are returned. */
  maxMessages: number;
  /** Message and tool spans in the session (or trace), read or not. */
  totalSpans: number;
  /** Spans whose record could not be read back (the file changed since it was indexed). */
  unreadableSpans: number;
}

/** A log record written inside a span. */
export interface SpanLog {
  timeUs: number | null;
  severity: string | null;
  body: string;
  line: number;
}

export interface SpanDetail {
  row: WaterfallRow;
  sessionId: string;
  kind: SpanKind;
  statusMessage: string | null;
  format: string;
  attributes: Attributes;
  events: SpanEvent[];
  links: SpanLink[];
  resource: Attributes;
  scope: { name: string; version: string | null } | null;
  derived: DerivedField[];
  /** The span's messages (LLM input/output, a typed Message or tool call); null when it has none. */
  conversation?: Conversation | null;
  /** Log records written inside this span, in time order. */
  logs: SpanLog[];
  raw: RawRecord;
}

export interface SourceError {
  sourceId: string;
  /** 1-based line where the bad record starts. */
  line: number;
  offset: number;
  lengthBytes: number;
  reason: string;
  /** The first bytes of the bad record, for context. */
  excerpt: string;
}

export interface ErrorQuery {
  sourceId: string;
  offset: number;
  limit: number;
}

export interface ErrorPage {
  total: number;
  rows: SourceError[];
}
