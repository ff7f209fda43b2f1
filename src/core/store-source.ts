/**
 * One opened run database (a store: Phoenix, MLflow, kitelogik audit, kavalai, Kitaru —
 * FORMATS.md §5). It answers the same queries as a file source from the same kind of index;
 * only how the index is filled and how a span is read back differ.
 *
 * A store is read whole, read-only, by an index worker into a fresh index file, which is then
 * swapped in, so a reader never sees a half-read store. While watched, the store is polled
 * for commits by other processes (SQLite's data_version) and re-read when it changed. An
 * unchanged store (same file, same size and time, WAL included) reuses its index on reopen.
 */
import { createHash } from 'node:crypto';
import { promises as fs, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Result } from '../shared/contract/result';
import { fail, ok } from '../shared/contract/result';
import { IndexDb } from './index/index-db';
import { IndexedSource, type IndexedSourceOptions, type SpanRecord } from './indexed-source';
import { StoreConnection } from './sources/stores/store-connection';

/** How often a watched store is asked whether another process committed. */
const POLL_INTERVAL_MS = 250;
const RAW_TEXT_MAX_CHARS = 1024 * 1024;

const removeDatabaseFiles = (path: string) => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
};

export class StoreSource extends IndexedSource {
  private connection: StoreConnection | null = null;
  private indexPath = '';
  private lastChangeMark = '';
  private poll: NodeJS.Timeout | null = null;
  private reading: Promise<void> | null = null;
  private isReadAgain = false;
  private isClosed = false;

  constructor(options: IndexedSourceOptions) {
    super(options);
  }

  override async open(): Promise<void> {
    const stat = await fs.stat(this.options.path);
    this.info.sizeBytes = stat.size;
    await fs.mkdir(join(this.options.cacheDir, 'index'), { recursive: true });
    const identity = createHash('sha1').update(`store:${await fs.realpath(this.options.path)}`).digest('hex').slice(0, 20);
    this.indexPath = join(this.options.cacheDir, 'index', `${identity}.sqlite`);
    this.db = new IndexDb(this.indexPath);
    const opened = StoreConnection.open(this.options.path);
    if (!opened.ok) {
      // Listed with its reason, and answering queries with nothing.
      this.db.clear();
      this.db.setMeta('store_mark', '');
      this.info.status = 'failed';
      this.info.failure = opened.reason;
      this.options.events.sourceChangedLater(this.getInfo());
      return;
    }
    this.connection = opened.connection;
    this.info.format = this.connection.reader.format;
    this.info.isLive = this.options.watch;
    this.lastChangeMark = this.connection.readChangeMark();

    const fileMark = this.connection.readFileMark();
    if (this.db.getMeta('store_mark') === fileMark) {
      this.refreshInfo();
      this.info.status = this.options.watch ? 'live' : 'idle';
    } else {
      await this.readStore();
    }
    this.options.events.sourceChangedLater(this.getInfo());
    if (this.options.watch) {
      this.poll = setInterval(() => this.checkForChanges(), POLL_INTERVAL_MS);
      this.poll.unref();
    }
  }

  private checkForChanges(): void {
    if (!this.connection || this.isClosed) return;
    const mark = this.connection.readChangeMark();
    if (mark === this.lastChangeMark) return;
    this.lastChangeMark = mark;
    if (mark === 'missing') {
      this.info.status = 'missing';
      this.info.failure = `${this.options.path} is gone`;
      this.options.events.sourceChangedLater(this.getInfo());
      return;
    }
    void this.readStore();
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
    const connection = this.connection!;
    const fileMark = connection.readFileMark();
    const nextPath = `${this.indexPath}.next-${process.pid}`;
    removeDatabaseFiles(nextPath);
    this.info.status = 'loading';
    this.options.events.sourceChangedLater(this.getInfo());
    try {
      await this.options.workers.runStore({ dbPath: nextPath, storePath: this.options.path });
    } catch (error) {
      removeDatabaseFiles(nextPath);
      if (this.isClosed) return;
      this.info.status = 'failed';
      this.info.failure = `cannot read ${this.options.path}: ${(error as Error).message}`;
      this.options.events.sourceChangedLater(this.getInfo());
      return;
    }
    if (this.isClosed) {
      removeDatabaseFiles(nextPath);
      return;
    }
    const before = this.db?.querySessionMarks() ?? new Map<string, { spanCount: number; mark: string }>();
    // The worker has closed the new index; swap it in under the stable name.
    this.db?.close();
    removeDatabaseFiles(this.indexPath);
    renameSync(nextPath, this.indexPath);
    this.db = new IndexDb(this.indexPath);
    this.db.setMeta('store_mark', fileMark);
    this.trees.clear();
    this.refreshInfo();
    this.info.status = this.options.watch ? 'live' : 'idle';
    this.info.failure = null;

    const after = this.db.querySessionMarks();
    const changed = new Map<string, { count: number; endUs: number | null }>();
    for (const [sessionId, { spanCount, mark }] of after) {
      const previous = before.get(sessionId);
      if (previous?.mark === mark) continue;
      const session = this.db.getSession(this.sourceId, sessionId);
      if (session) changed.set(sessionId, { count: Math.max(0, spanCount - (previous?.spanCount ?? 0)), endUs: session.endUs });
    }
    const isGone = [...before.keys()].some((sessionId) => !after.has(sessionId));
    if (isGone) this.options.events.emitLater('sourceReset', { sourceId: this.sourceId });
    else if (changed.size > 0) this.options.events.sessionsGrewLater(this.sourceId, changed);
    this.options.events.sourceChangedLater(this.getInfo());
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

  override async close(): Promise<void> {
    this.isClosed = true;
    if (this.poll) clearInterval(this.poll);
    await this.reading?.catch(() => undefined);
    this.connection?.close();
    this.connection = null;
    this.db?.close();
    this.db = null;
  }
}
