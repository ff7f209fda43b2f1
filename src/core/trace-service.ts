// SKELETON: being implemented by the core engineer; the signatures below are the ones shells use.
import type { TraceApi, TraceEventListener, TraceEventSource } from '../shared/contract/trace-api';
import type { Result } from '../shared/contract/result';
import type {
  ErrorPage, ErrorQuery, SessionPage, SessionQuery, SessionRef, SessionSummary, SourceInfo, SpanDetail, SpanRef,
  WaterfallQuery, WaterfallWindow,
} from '../shared/contract/wire-types';

export interface TraceServiceOptions {
  /** Folder for index databases; default: $TRACELIGHT_CACHE_DIR, else $XDG_CACHE_HOME/tracelight, else ~/.cache/tracelight. */
  cacheDir?: string;
  /** Follow files for appends (default true). The CLI summary turns it off. */
  watch?: boolean;
}

/** What `tracelight summary --json` prints. */
export interface SummaryReport {
  sources: {
    path: string; format: string | null; spans: number; traces: number; sessions: number; errors: number;
    errorSamples: { line: number; offset: number; reason: string }[];
  }[];
  totals: { spans: number; traces: number; sessions: number; errors: number; inputTokens: number; outputTokens: number; costUsd: number };
}

export class TraceService implements TraceApi, TraceEventSource {
  constructor(_options: TraceServiceOptions = {}) {}
  subscribe(_listener: TraceEventListener): () => void { throw new Error('not yet'); }
  openPath(_p: { path: string }): Promise<Result<SourceInfo[]>> { throw new Error('not yet'); }
  listSources(): Promise<SourceInfo[]> { throw new Error('not yet'); }
  closeSource(_p: { sourceId: string }): Promise<Result<null>> { throw new Error('not yet'); }
  listSessions(_q: SessionQuery): Promise<SessionPage> { throw new Error('not yet'); }
  getSession(_r: SessionRef): Promise<Result<SessionSummary>> { throw new Error('not yet'); }
  getWaterfall(_q: WaterfallQuery): Promise<Result<WaterfallWindow>> { throw new Error('not yet'); }
  getSpanDetail(_r: SpanRef): Promise<Result<SpanDetail>> { throw new Error('not yet'); }
  listErrors(_q: ErrorQuery): Promise<ErrorPage> { throw new Error('not yet'); }
  /** Resolves when every open source has been read to its current end. */
  whenIdle(): Promise<void> { throw new Error('not yet'); }
  /** Totals per source for the CLI summary (reads nothing new). */
  summarize(): Promise<SummaryReport> { throw new Error('not yet'); }
  /** Stops watchers and closes index databases. */
  close(): Promise<void> { throw new Error('not yet'); }
}
