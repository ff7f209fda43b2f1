/**
 * One opened run database (a store: Phoenix, MLflow, kitelogik audit, kavalai, Kitaru —
 * FORMATS.md §5). It answers the same queries as a file source from the same kind of index;
 * only how the index is filled and how a span is read back differ.
 *
 * A store is read whole, read-only, by an index worker into a fresh index file, which is then
 * swapped in, so a reader never sees a half-read store; span keys come from the rows, so they
 * mean the same spans after a re-read. While watched, the store is polled for commits by
 * other processes (SQLite's data_version) and for a replaced file, and re-read when either
 * changed; a store that could not be opened is tried again when its file changes. An
 * unchanged store (same file, same size and time, WAL included) reuses its index on reopen.
 *
 * Index files are named per read (`<identity>-<n>.sqlite`) and the current one is recorded in
 * `<identity>.current`: an open index is never renamed (its WAL is named after it).
 */
import { createHash } from 'node:crypto';
import { promises as fs, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Result } from '../shared/contract/result';
import { fail, ok } from '../shared/contract/result';
import { IndexDb } from './index/index-db';
import { IndexedSource, STORED_TREE_MIN_SPANS, type SpanRecord } from './indexed-source';
import { readStoreFileMark, StoreConnection } from './sources/stores/store-connection';

/** How often a watched store is asked whether another process committed. */
const POLL_INTERVAL_MS = 250;
const RAW_TEXT_MAX_CHARS = 1024 * 1024;

const removeDatabaseFiles = (path: string) => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
};

export class StoreSource extends IndexedSource {
  private connection: StoreConnection | null = null;
  /** `<cache>/index/<identity>`: index files and the pointer are named after it. */
  private indexBase = '';
  private indexPath = '';
  private lastChangeMark = '';
  private poll: NodeJS.Timeout | null = null;
  private reading: Promise<void> | null = null;
  private isReadAgain = false;
  private isClosed = false;
  private readNumber = 0;

  override async open(): Promise<void> {
    const stat = await fs.stat(this.options.path);
    this.info.sizeBytes = stat.size;
    this.info.isLive = this.options.watch;
    await fs.mkdir(join(this.options.cacheDir, 'index'), { recursive: true });
    const identity = createHash('sha1').update(`store:${await fs.realpath(this.options.path)}`).digest('hex').slice(0, 20);
    this.indexBase = join(this.options.cacheDir, 'index', identity);
    this.openCurrentIndex();
    await this.connect();
    this.options.events.sourceChangedLater(this.getInfo());
    if (this.options.watch) {
      this.poll = setInterval(() => this.checkForChanges(), POLL_INTERVAL_MS);
      this.poll.unref();
    }
  }

  /** The index the pointer names if it is still there, else a fresh empty one (queries answer nothing). */
  private openCurrentIndex(): void {
    let recorded: string | null = null;
    try {
      recorded = readFileSync(`${this.indexBase}.current`, 'utf8').trim();
    } catch {
      recorded = null;
    }
    const path = recorded ? join(this.options.cacheDir, 'index', basename(recorded)) : null;
    try {
      if (path !== null) {
        this.db = new IndexDb(path);
        this.indexPath = path;
        return;
      }
    } catch {
      // A damaged index is just read again.
    }
    this.indexPath = this.nextIndexPath();
    this.db = new IndexDb(this.indexPath);
    writeFileSync(`${this.indexBase}.current`, basename(this.indexPath));
  }

  private nextIndexPath(): string {
    return `${this.indexBase}-${process.pid}-${Date.now()}-${++this.readNumber}.sqlite`;
  }

  /** Opens the store (again) and reads it unless the index already holds this very file. */
  private async connect(): Promise<void> {
    this.connection?.close();
    this.connection = null;
    const opened = StoreConnection.open(this.options.path);
    // What the poll compares with: without a connection, the file itself.
    this.lastChangeMark = opened.ok ? opened.connection.readChangeMark() : readStoreFileMark(this.options.path);
    if (!opened.ok) {
      this.info.status = 'failed';
      this.info.failure = opened.reason;
      return;
    }
    this.connection = opened.connection;
    this.info.format = this.connection.reader.format;
    this.info.failure = null;
    if (this.db?.getMeta('store_mark') === this.connection.readFileMark()) {
      this.refreshInfo();
      this.info.status = this.options.watch ? 'live' : 'idle';
    } else {
      await this.readStore();
    }
  }

  /** Never throws: it runs on a timer, where an exception would end the process. */
  private checkForChanges(): void {
    if (this.isClosed) return;
    try {
      if (!this.connection) {
        const mark = readStoreFileMark(this.options.path);
        if (mark === this.lastChangeMark) return;
        this.lastChangeMark = mark;
        void this.retry(() => this.connect());
        return;
      }
      if (this.connection.isReplaced()) {
        void this.retry(() => this.connect());
        return;
      }
      const mark = this.connection.readChangeMark();
      if (mark === this.lastChangeMark) return;
      this.lastChangeMark = mark;
      void this.retry(() => this.readStore());
    } catch (error) {
      this.markFailed(`cannot watch ${this.options.path}: ${(error as Error).message}`);
    }
  }

  /** Runs a reconnect or re-read from a timer: a failure becomes the source's status, never a crash. */
  private async retry(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.markFailed(`cannot read ${this.options.path}: ${(error as Error).message}`);
    }
    this.options.events.sourceChangedLater(this.getInfo());
  }

  private markFailed(reason: string): void {
    this.info.status = 'failed';
    this.info.failure = reason;
    this.options.events.sourceChangedLater(this.getInfo());
  }

  /** Reads the store into a fresh index and swaps it in; a read asked for meanwhile runs after. */
  private readStore(): Promise<void> {
    if (this.reading) {
      this.isReadAgain = true;
      return this.reading;
    }
    this.reading = (async () => {
      do {
        this.isReadAgain = false;
        await this.readStoreOnce();
      } while (this.isReadAgain && !this.isClosed);
    })().finally(() => {
      this.reading = null;
    });
    return this.reading;
  }

  private async readStoreOnce(): Promise<void> {
    const connection = this.connection;
    if (!connection) return;
    const fileMark = connection.readFileMark();
    const nextPath = this.nextIndexPath();
    this.info.status = 'loading';
    this.options.events.sourceChangedLater(this.getInfo());
    let next: IndexDb;
    try {
      await this.options.workers.runStore({ dbPath: nextPath, storePath: this.options.path });
      if (this.isClosed) throw new Error('closed');
      await this.storeSessionTrees(nextPath);
      next = new IndexDb(nextPath);
      next.setMeta('store_mark', fileMark);
    } catch (error) {
      removeDatabaseFiles(nextPath);
      if (!this.isClosed) this.markFailed(`cannot read ${this.options.path}: ${(error as Error).message}`);
      return;
    }
    // The old index answers until the new one is open; then the new one is the current one.
    const previous = this.db;
    const previousPath = this.indexPath;
    const before = previous?.querySessionMarks() ?? new Map<string, { spanCount: number; mark: string }>();
    this.db = next;
    this.indexPath = nextPath;
    writeFileSync(`${this.indexBase}.current`, basename(nextPath));
    previous?.close();
    removeDatabaseFiles(previousPath);
    this.trees.clear();
    this.refreshInfo();
    this.info.status = this.options.watch ? 'live' : 'idle';
    this.info.failure = null;

    const after = next.querySessionMarks();
    const changed = new Map<string, { count: number; endUs: number | null }>();
    for (const [sessionId, { spanCount, mark }] of after) {
      const prior = before.get(sessionId);
      if (prior?.mark === mark) continue;
      const session = next.getSession(this.sourceId, sessionId);
      if (session) changed.set(sessionId, { count: Math.max(0, spanCount - (prior?.spanCount ?? 0)), endUs: session.endUs });
    }
    const isGone = [...before.keys()].some((sessionId) => !after.has(sessionId));
    if (isGone) this.options.events.emitLater('sourceReset', { sourceId: this.sourceId });
    else if (changed.size > 0) this.options.events.sessionsGrewLater(this.sourceId, changed);
    this.options.events.sourceChangedLater(this.getInfo());
  }

  /** Big sessions' trees go into the fresh index before it is swapped in (see index-session-trees-job). */
  private async storeSessionTrees(dbPath: string): Promise<void> {
    const minSpans = this.options.storedTreeMinSpans ?? STORED_TREE_MIN_SPANS;
    // Only time is lost when it fails: the engine then builds a tree when it is opened.
    await this.options.workers.runSessionTrees({ dbPath, minSpans }).catch(() => 0);
    // The job's connection is the worker's to keep; this index is replaced on the next read.
    await this.options.workers.closeDb(dbPath);
  }

  private refreshInfo(): void {
    this.refreshCounts();
    this.info.bytesRead = this.info.sizeBytes;
  }

  override async whenIdle(): Promise<void> {
    while (this.reading) await this.reading;
  }

  override async readSpanRecord(spanKey: number): Promise<Result<SpanRecord>> {
    const location = this.db?.getSpanLocation(spanKey);
    if (!location || !this.connection) return fail(`no span ${spanKey} in ${this.info.name}`);
    const { reader } = this.connection;
    const table = reader.tables[location.recordLine];
    const pointer = { table, rowid: location.recordOffset, index: location.recordIndex };
    let detail;
    try {
      detail = table === undefined ? null : this.connection.readOne(pointer);
    } catch (error) {
      return fail(`cannot read ${this.info.name}: ${(error as Error).message}`);
    }
    const span = detail?.span;
    if (!detail || !span || span.spanId !== location.spanId || span.traceId !== location.traceId) {
      return fail(`${this.info.name} changed since it was read (table ${table}, row ${pointer.rowid}); it is read again when it changes`);
    }
    let text = JSON.stringify(detail.raw, (_key, value) => (typeof value === 'bigint' ? value.toString() : value), 2);
    const isCut = text.length > RAW_TEXT_MAX_CHARS;
    if (isCut) text = text.slice(0, RAW_TEXT_MAX_CHARS);
    return ok({
      span,
      sessionId: location.sessionId,
      format: reader.format,
      raw: { path: this.options.path, line: 0, offset: 0, lengthBytes: 0, text, isCut, table, rowid: pointer.rowid },
    });
  }

  /** Stops at once: a read still running in a worker removes its own file when it ends. */
  override async close(): Promise<void> {
    this.isClosed = true;
    if (this.poll) clearInterval(this.poll);
    this.connection?.close();
    this.connection = null;
    this.db?.close();
    this.db = null;
  }
}
