/**
 * What every opened source is to the engine: an index of its spans (better-sqlite3, in the
 * cache folder) answering the contract's queries — sessions, waterfall windows, span detail,
 * a typed session's conversation. How the index is filled and how a span is read back from
 * the source differ by kind: a file (FileSource) or a run database (StoreSource).
 */
import { basename } from 'node:path';
import type { Result } from '../shared/contract/result';
import { fail, ok } from '../shared/contract/result';
import type {
  ErrorPage,
  RawRecord,
  SessionPage,
  SessionQuery,
  SessionSummary,
  SourceInfo,
  SpanDetail,
  TraceConversation,
  TraceConversationMessage,
  TraceConversationQuery,
  WaterfallQuery,
  WaterfallWindow,
} from '../shared/contract/wire-types';
import type { IndexDb } from './index/index-db';
import { MAX_WINDOW_ROWS, SessionTrees } from './session-trees';
import { nsToUs } from './ingest/parse-time';
import type { NormalizedSpan } from './ingest/normalized-span';
import { deriveSpanFields } from './semantics/derive-span-fields';
import { SYNTHESIZED_ATTRIBUTE } from './semantics/classify-typed-record';
import { extractConversation, readTypedTurn } from './semantics/extract-conversation';
import type { EventHub } from './event-hub';
import type { IndexWorkerPool } from './index-worker-pool';

/** A whole-trace conversation stops after this many messages, or once this many bytes of records were read (images are inline). */
export const MAX_CONVERSATION_MESSAGES = 500;
const MAX_CONVERSATION_RECORD_BYTES = 32 * 1024 * 1024;

/** A span read back from its source, with the record it came from. */
export interface SpanRecord {
  span: NormalizedSpan;
  sessionId: string;
  format: string;
  raw: RawRecord;
}

export interface IndexedSourceOptions {
  sourceId: string;
  path: string;
  cacheDir: string;
  watch: boolean;
  events: EventHub;
  workers: IndexWorkerPool;
  /** Sessions with at least this many spans get their tree stored in the index once read (default STORED_TREE_MIN_SPANS). */
  storedTreeMinSpans?: number;
}

/** Below this, a session's tree is built when it is opened in a few ms: not worth storing. */
export const STORED_TREE_MIN_SPANS = 10_000;

export abstract class IndexedSource {
  protected readonly info: SourceInfo;
  protected db: IndexDb | null = null;
  protected readonly trees = new SessionTrees(() => this.db!);

  constructor(protected readonly options: IndexedSourceOptions) {
    this.info = {
      sourceId: options.sourceId,
      path: options.path,
      name: basename(options.path),
      format: null,
      status: 'loading',
      isLive: false,
      sizeBytes: 0,
      bytesRead: 0,
      spans: 0,
      traces: 0,
      sessions: 0,
      errors: 0,
      logs: 0,
      failure: null,
    };
  }

  get sourceId(): string {
    return this.options.sourceId;
  }

  getInfo(): SourceInfo {
    return { ...this.info };
  }

  /** Opens the source and starts filling its index (resolves before a big source is fully read). */
  abstract open(): Promise<void>;

  /** Resolves once everything currently in the source has been indexed. */
  abstract whenIdle(): Promise<void>;

  /** Reads a span back from its source: the span as the index saw it, or why it cannot be. */
  abstract readSpanRecord(spanKey: number): Promise<Result<SpanRecord>>;

  abstract close(): Promise<void>;

  protected refreshCounts(): void {
    const counts = this.db!.getCounts();
    this.info.spans = counts.spans;
    this.info.traces = counts.traces;
    this.info.sessions = counts.sessions;
    this.info.errors = counts.errors;
    this.info.logs = counts.logs;
  }

  /** A page of sessions; `maxRows` caps the page (the engine raises it to merge sources). */
  listSessions(query: SessionQuery, maxRows = MAX_WINDOW_ROWS): SessionPage {
    const { total, rows } = this.db!.querySessions(this.sourceId, {
      sortBy: query.sortBy ?? 'start',
      sortDir: query.sortDir ?? 'desc',
      filter: query.filter ?? '',
      offset: Math.max(0, query.offset | 0),
      limit: Math.min(Math.max(0, query.limit | 0), maxRows),
    });
    return { total, offset: query.offset, rows };
  }

  getSession(sessionId: string): SessionSummary | null {
    return this.db!.getSession(this.sourceId, sessionId);
  }

  listErrors(offset: number, limit: number): ErrorPage {
    const { total, rows } = this.db!.queryErrors(Math.max(0, offset | 0), Math.min(Math.max(0, limit | 0), MAX_WINDOW_ROWS));
    return { total, rows: rows.map((row) => ({ sourceId: this.sourceId, ...row })) };
  }

  getTotals() {
    return this.db!.queryTotals();
  }

  /** Builds (and caches) the session's tree ahead of its first window; false for an unknown session. */
  prepareSession(sessionId: string): boolean {
    return this.trees.prepare(sessionId);
  }

  getWaterfall(query: WaterfallQuery): Result<WaterfallWindow> {
    const window = this.trees.getWindow(query);
    return window ? ok(window) : fail(`no session "${query.sessionId}" in ${this.info.name}`);
  }

  async getSpanDetail(spanKey: string): Promise<Result<SpanDetail>> {
    const record = await this.readSpanRecord(Number(spanKey));
    if (!record.ok) return record;
    const { span, sessionId, format, raw } = record.value;
    const row = this.trees.getRow(sessionId, Number(spanKey));
    if (!row && span.attributes[SYNTHESIZED_ATTRIBUTE] === true) {
      return fail(`criterion ${span.spanId} was read from its Grade's criteria list and is hidden: the Grade has real criterion spans now`);
    }
    if (!row) return fail(`${this.info.name} changed since it was indexed (line ${raw.line}); reopen it`);
    return ok({
      row,
      sessionId,
      kind: span.kind,
      statusMessage: span.statusMessage,
      format,
      attributes: span.attributes,
      events: span.events.map((event) => ({ name: event.name, timeUs: nsToUs(event.timeNs), attributes: event.attributes })),
      links: span.links,
      resource: span.resource,
      scope: span.scope,
      derived: deriveSpanFields(span.name, span.attributes).provenance,
      conversation: extractConversation(span.attributes, span.events),
      logs: this.db!.queryLogsOfSpan(span.traceId, span.spanId),
      raw,
    });
  }

  /**
   * The dialogue of a typed-span session (or one of its traces): its message and tool spans
   * in start order, found by the index, each read back from its record and turned into
   * messages (extract-conversation's readTypedTurn). Capped; unreadable spans are counted.
   */
  async getTraceConversation(query: TraceConversationQuery): Promise<Result<TraceConversation>> {
    const db = this.db;
    if (!db || !db.getSession(this.sourceId, query.sessionId)) return fail(`no session "${query.sessionId}" in ${this.info.name}`);
    const { spanKeys, total } = db.queryConversationSpans(query.sessionId, query.traceId, MAX_CONVERSATION_MESSAGES + 1);
    const messages: TraceConversationMessage[] = [];
    const requestedCallIds = new Set<string>();
    let unreadableSpans = 0;
    let recordBytes = 0;
    let done = 0;
    for (; done < spanKeys.length && messages.length < MAX_CONVERSATION_MESSAGES && recordBytes < MAX_CONVERSATION_RECORD_BYTES; done++) {
      const record = await this.readSpanRecord(spanKeys[done]);
      if (!record.ok) {
        unreadableSpans++;
        continue;
      }
      const { span, raw } = record.value;
      recordBytes += raw.lengthBytes;
      const startUs = nsToUs(span.startNs);
      for (const turn of readTypedTurn(span.attributes, requestedCallIds).slice(0, MAX_CONVERSATION_MESSAGES - messages.length)) {
        messages.push({ ...turn.message, spanKey: String(spanKeys[done]), spanId: span.spanId, traceId: span.traceId, startUs, isGrader: turn.isGrader, isError: turn.isError });
      }
    }
    return ok({ messages, isCut: done < total, maxMessages: MAX_CONVERSATION_MESSAGES, totalSpans: total, unreadableSpans });
  }
}
