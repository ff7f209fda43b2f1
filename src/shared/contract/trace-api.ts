/**
 * The one contract between the engine and every shell. The engine implements it once
 * (core/trace-service.ts); Electron IPC, the WebSocket server and tests all serve or call
 * this interface through the generic RPC in shared/rpc, never a hand-written wrapper.
 */
import type { Result } from './result';
import type {
  ErrorPage,
  ErrorQuery,
  SessionPage,
  SessionQuery,
  SessionRef,
  SessionSummary,
  SourceInfo,
  SpanDetail,
  SpanRef,
  TraceConversation,
  TraceConversationQuery,
  WaterfallQuery,
  WaterfallWindow,
} from './wire-types';

export interface TraceApi {
  /** Opens a file (or every file in a folder) and starts following it; resolves once it is registered, before it is fully read. */
  openPath(params: { path: string }): Promise<Result<SourceInfo[]>>;
  /** Every open source, in the order opened. */
  listSources(params?: Record<string, never>): Promise<SourceInfo[]>;
  /** Stops following a source and forgets it. */
  closeSource(params: { sourceId: string }): Promise<Result<null>>;
  /** One page of sessions, sorted and filtered. */
  listSessions(params: SessionQuery): Promise<SessionPage>;
  /** One session's summary. */
  getSession(params: SessionRef): Promise<Result<SessionSummary>>;
  /**
   * The renderer is about to show this session (e.g. a deep link at startup): the engine
   * builds its span tree now, so the first getWaterfall does not wait for it. A hint; the
   * answer carries nothing.
   */
  prepareSession(params: SessionRef): Promise<Result<null>>;
  /** A window of the session's flattened span tree. */
  getWaterfall(params: WaterfallQuery): Promise<Result<WaterfallWindow>>;
  /** Everything about one span, read back from the source file. */
  getSpanDetail(params: SpanRef): Promise<Result<SpanDetail>>;
  /** Records of a source that could not be read, with line, offset and reason. */
  listErrors(params: ErrorQuery): Promise<ErrorPage>;
  /** The dialogue of a typed-span session (or one of its traces) as one conversation, in start order, capped. */
  getTraceConversation(params: TraceConversationQuery): Promise<Result<TraceConversation>>;
}

/** Method names of TraceApi, for transports that need them at runtime. */
export const TRACE_API_METHODS = [
  'openPath',
  'listSources',
  'closeSource',
  'listSessions',
  'getSession',
  'prepareSession',
  'getWaterfall',
  'getSpanDetail',
  'listErrors',
  'getTraceConversation',
] as const satisfies readonly (keyof TraceApi)[];

export type TraceApiMethod = (typeof TRACE_API_METHODS)[number];

/** Small invalidations the engine pushes; views pull what they show. Coalesced to ~50 ms. */
export interface TraceEvents {
  /** A source was opened, made progress, changed status or counts. */
  sourceChanged: SourceInfo;
  /** A source was closed. */
  sourceRemoved: { sourceId: string };
  /** Sessions of a source were added or grew; sessionIds lists which (empty when too many to list). */
  sessionsChanged: { sourceId: string; sessionIds: string[] };
  /** New spans landed in a session. */
  spansAppended: { sourceId: string; sessionId: string; count: number; endUs: number | null };
  /** A source's index was reset (file truncated or replaced); every view of it should refetch. */
  sourceReset: { sourceId: string };
}

export const TRACE_EVENT_NAMES = [
  'sourceChanged',
  'sourceRemoved',
  'sessionsChanged',
  'spansAppended',
  'sourceReset',
] as const satisfies readonly (keyof TraceEvents)[];

export type TraceEventName = keyof TraceEvents;

export type TraceEventListener = <K extends TraceEventName>(name: K, payload: TraceEvents[K]) => void;

/** Something that emits TraceEvents; returns an unsubscribe function. */
export interface TraceEventSource {
  subscribe(listener: TraceEventListener): () => void;
}
