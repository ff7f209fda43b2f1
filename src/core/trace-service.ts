/**
 * The engine behind the contract: opens sources (files, or every trace file in a folder),
 * routes queries to the source that owns the data, and pushes coalesced change events.
 * Every shell (Electron, web, CLI, tests) uses this one implementation.
 */
import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TraceApi, TraceEventListener, TraceEventSource } from '../shared/contract/trace-api';
import type { Result } from '../shared/contract/result';
import { fail, ok } from '../shared/contract/result';
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
} from '../shared/contract/wire-types';
import { EventHub } from './event-hub';
import { FileSource } from './file-source';
import type { IndexedSource } from './indexed-source';
import { isSqliteFile } from './sources/stores/open-store';
import { StoreSource } from './store-source';
import { MAX_WINDOW_ROWS } from './session-trees';
import { IndexWorkerPool } from './index-worker-pool';
import { FolderWatcher, listFolderFiles, looksLikeTraceFile } from './sources/folder-watcher';

export interface TraceServiceOptions {
  /** Folder for index databases; default: $TRACELIGHT_CACHE_DIR, else $XDG_CACHE_HOME/tracelight, else ~/.cache/tracelight. */
  cacheDir?: string;
  /** Follow files for appends (default true). The CLI summary turns it off. */
  watch?: boolean;
  /** Index worker threads (default: one per core, at most 4). */
  workers?: number;
  /** Sessions of at least this many spans get their tree stored in the index (default STORED_TREE_MIN_SPANS). */
  storedTreeMinSpans?: number;
}

/** What `tracelight summary --json` prints. */
export interface SummaryReport {
  sources: {
    path: string;
    format: string | null;
    spans: number;
    traces: number;
    sessions: number;
    errors: number;
    errorSamples: { line: number; offset: number; reason: string }[];
  }[];
  totals: { spans: number; traces: number; sessions: number; errors: number; inputTokens: number; outputTokens: number; costUsd: number };
}

const ERROR_SAMPLES = 5;

/** The cache folder used when none is given. */
export function defaultCacheDir(): string {
  if (process.env.TRACELIGHT_CACHE_DIR) return process.env.TRACELIGHT_CACHE_DIR;
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'tracelight');
}

export class TraceService implements TraceApi, TraceEventSource {
  private readonly events = new EventHub();
  private readonly sources = new Map<string, IndexedSource>();
  private readonly folders = new Map<string, FolderWatcher>();
  private readonly opening = new Map<string, Promise<Result<SourceInfo>>>();
  private readonly cacheDir: string;
  private readonly watch: boolean;
  private readonly workerCount: number | undefined;
  private readonly storedTreeMinSpans: number | undefined;
  private workers: IndexWorkerPool | null = null;
  private nextSourceNumber = 1;
  private isClosed = false;

  constructor(options: TraceServiceOptions = {}) {
    this.cacheDir = options.cacheDir ?? defaultCacheDir();
    this.watch = options.watch ?? true;
    this.workerCount = options.workers;
    this.storedTreeMinSpans = options.storedTreeMinSpans;
  }

  subscribe(listener: TraceEventListener): () => void {
    return this.events.subscribe(listener);
  }

  async openPath(params: { path: string }): Promise<Result<SourceInfo[]>> {
    if (this.isClosed) return fail('Tracelight is shutting down');
    const path = resolve(String(params?.path ?? ''));
    let stat;
    try {
      stat = await fs.stat(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return fail(code === 'ENOENT' ? `${path}: no such file or folder` : `${path}: ${(error as Error).message}`);
    }
    if (stat.isDirectory()) return this.openFolder(path);
    if (!stat.isFile()) return fail(`${path}: not a regular file`);
    const opened = await this.openFileOnce(path);
    return opened.ok ? ok([opened.value]) : opened;
  }

  private findByPath(path: string): IndexedSource | undefined {
    for (const source of this.sources.values()) if (source.getInfo().path === path) return source;
    return undefined;
  }

  private async openFile(path: string): Promise<Result<SourceInfo>> {
    const sourceId = `s${this.nextSourceNumber++}`;
    this.workers ??= new IndexWorkerPool(this.workerCount);
    const options = { sourceId, path, cacheDir: this.cacheDir, watch: this.watch, events: this.events, workers: this.workers, storedTreeMinSpans: this.storedTreeMinSpans };
    const source = isSqliteFile(path) ? new StoreSource(options) : new FileSource(options);
    try {
      await source.open();
    } catch (error) {
      await source.close().catch(() => undefined);
      return fail(`${path}: ${(error as Error).message}`);
    }
    this.sources.set(sourceId, source);
    return ok(source.getInfo());
  }

  private async openFolder(path: string): Promise<Result<SourceInfo[]>> {
    // Watch first, then list: a file created in between is seen by one or the other.
    if (this.watch && !this.folders.has(path)) {
      const watcher = new FolderWatcher(path, (file) => void this.openFileOnce(file));
      this.folders.set(path, watcher);
      await watcher.start();
    }
    const infos: SourceInfo[] = [];
    for (const file of await listFolderFiles(path)) {
      if (!(await looksLikeTraceFile(file))) continue;
      const opened = await this.openFileOnce(file);
      if (opened.ok) infos.push(opened.value);
    }
    if (infos.length === 0 && !this.watch) return fail(`${path}: no trace files in this folder`);
    return ok(infos);
  }

  /** Opens a file unless it is open or being opened already. */
  private openFileOnce(path: string): Promise<Result<SourceInfo>> {
    const existing = this.findByPath(path);
    if (existing) return Promise.resolve(ok(existing.getInfo()));
    let opening = this.opening.get(path);
    if (!opening) {
      opening = this.isClosed ? Promise.resolve(fail(`${path}: Tracelight is shutting down`)) : this.openFile(path);
      this.opening.set(path, opening);
      void opening.finally(() => this.opening.delete(path));
    }
    return opening;
  }

  async listSources(): Promise<SourceInfo[]> {
    return [...this.sources.values()].map((source) => source.getInfo());
  }

  async closeSource(params: { sourceId: string }): Promise<Result<null>> {
    const source = this.sources.get(params?.sourceId);
    if (!source) return fail(`no source ${params?.sourceId}`);
    this.sources.delete(params.sourceId);
    await source.close();
    this.events.emitLater('sourceRemoved', { sourceId: params.sourceId });
    return ok(null);
  }

  async listSessions(params: SessionQuery): Promise<SessionPage> {
    const query = params ?? { offset: 0, limit: 100 };
    if (query.sourceId !== undefined) {
      const source = this.sources.get(query.sourceId);
      return source ? source.listSessions(query) : { total: 0, offset: query.offset, rows: [] };
    }
    const offset = Math.max(0, query.offset | 0);
    const limit = Math.min(Math.max(0, query.limit | 0), MAX_WINDOW_ROWS);
    const sources = [...this.sources.values()];
    const totals = sources.map((source) => source.listSessions({ ...query, offset: 0, limit: 0 }).total);
    const withSessions = sources.filter((_, i) => totals[i] > 0);
    const total = totals.reduce((n, t) => n + t, 0);
    // One source holds them all (the usual case): its index pages them directly.
    if (withSessions.length <= 1) {
      const page = withSessions[0]?.listSessions({ ...query, offset, limit });
      return { total, offset, rows: page?.rows ?? [] };
    }
    // Across sources: the first offset+limit of each, merged and cut (cost grows with the offset).
    const rows = withSessions
      .flatMap((source) => source.listSessions({ ...query, offset: 0, limit: offset + limit }, offset + limit).rows)
      .sort(compareSessions(query));
    return { total, offset, rows: rows.slice(offset, offset + limit) };
  }

  async getSession(params: SessionRef): Promise<Result<SessionSummary>> {
    const source = this.sources.get(params?.sourceId);
    if (!source) return fail(`no source ${params?.sourceId}`);
    const session = source.getSession(params.sessionId);
    return session ? ok(session) : fail(`no session "${params.sessionId}" in ${source.getInfo().name}`);
  }

  async prepareSession(params: SessionRef): Promise<Result<null>> {
    const source = this.sources.get(params?.sourceId);
    if (!source) return fail(`no source ${params?.sourceId}`);
    return source.prepareSession(params.sessionId) ? ok(null) : fail(`no session "${params.sessionId}" in ${source.getInfo().name}`);
  }

  async getWaterfall(params: WaterfallQuery): Promise<Result<WaterfallWindow>> {
    const source = this.sources.get(params?.sourceId);
    if (!source) return fail(`no source ${params?.sourceId}`);
    return source.getWaterfall(params);
  }

  async getSpanDetail(params: SpanRef): Promise<Result<SpanDetail>> {
    const source = this.sources.get(params?.sourceId);
    if (!source) return fail(`no source ${params?.sourceId}`);
    return source.getSpanDetail(String(params.spanKey));
  }

  async getTraceConversation(params: TraceConversationQuery): Promise<Result<TraceConversation>> {
    const source = this.sources.get(params?.sourceId);
    if (!source) return fail(`no source ${params?.sourceId}`);
    return source.getTraceConversation(params);
  }

  async listErrors(params: ErrorQuery): Promise<ErrorPage> {
    const source = this.sources.get(params?.sourceId);
    if (!source) return { total: 0, rows: [] };
    return source.listErrors(params.offset, params.limit);
  }

  /** Resolves when every open source has been read to its current end. */
  async whenIdle(): Promise<void> {
    await Promise.all([...this.sources.values()].map((source) => source.whenIdle()));
    this.events.flush();
  }

  /** Totals per source for the CLI summary (reads nothing new). */
  async summarize(): Promise<SummaryReport> {
    const report: SummaryReport = {
      sources: [],
      totals: { spans: 0, traces: 0, sessions: 0, errors: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 },
    };
    for (const source of this.sources.values()) {
      const info = source.getInfo();
      const errors = source.listErrors(0, ERROR_SAMPLES);
      report.sources.push({
        path: info.path,
        format: info.format,
        spans: info.spans,
        traces: info.traces,
        sessions: info.sessions,
        errors: info.errors,
        errorSamples: errors.rows.map((e) => ({ line: e.line, offset: e.offset, reason: e.reason })),
      });
      const totals = source.getTotals();
      report.totals.spans += info.spans;
      report.totals.traces += info.traces;
      report.totals.sessions += info.sessions;
      report.totals.errors += info.errors;
      report.totals.inputTokens += totals.inputTokens;
      report.totals.outputTokens += totals.outputTokens;
      report.totals.costUsd += totals.costUsd;
    }
    return report;
  }

  /**
   * Starts the index workers now and resolves once they have loaded and warmed up. The app
   * calls it at launch, so the first file opened does not wait for threads to start (~150 ms
   * on 2 cores) nor for the JIT to compile the indexing code (~0.3 s of CPU per worker, which
   * otherwise competes with the indexing itself); without it workers start cold when a file
   * has something to index. `warmUp: false` only starts them (the bench measures both).
   */
  async startIndexWorkers(options: { warmUp?: boolean } = {}): Promise<void> {
    if (this.isClosed) return;
    this.workers ??= new IndexWorkerPool(this.workerCount);
    await this.workers.start({ warmUp: options.warmUp ?? true });
  }

  /** Stops watchers and closes index databases. */
  async close(): Promise<void> {
    this.isClosed = true;
    await Promise.all([...this.folders.values()].map((folder) => folder.stop()));
    this.folders.clear();
    await Promise.all([...this.sources.values()].map((source) => source.close()));
    this.sources.clear();
    await this.workers?.close();
    this.workers = null;
    this.events.close();
  }
}

function compareSessions(query: SessionQuery): (a: SessionSummary, b: SessionSummary) => number {
  const direction = query.sortDir === 'asc' ? 1 : -1;
  const value = (s: SessionSummary): number | string => {
    switch (query.sortBy ?? 'start') {
      case 'session':
        return s.sessionId;
      case 'duration':
        return s.durationUs ?? -1;
      case 'traces':
        return s.traces;
      case 'spans':
        return s.spans;
      case 'errors':
        return s.errors;
      case 'denials':
        return s.denials;
      case 'humanReviews':
        return s.humanReviews;
      case 'tokens':
        return s.inputTokens + s.outputTokens;
      case 'cost':
        return s.costUsd;
      default:
        return s.startUs ?? -1;
    }
  };
  return (a, b) => {
    const x = value(a);
    const y = value(b);
    const order = x < y ? -1 : x > y ? 1 : 0;
    return order * direction || a.sessionId.localeCompare(b.sessionId);
  };
}
