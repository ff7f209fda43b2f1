/**
 * One opened file: its tailer cuts it into pieces that the index workers parse and write to
 * the file's own index database; a span's record is read back from the file for its detail.
 * The index lives in the cache folder under a name derived from the file's real path; an
 * unchanged file (same inode, same first bytes, not shorter) resumes where indexing stopped.
 */
import { createHash } from 'node:crypto';
import { promises as fs, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Result } from '../shared/contract/result';
import { fail, ok } from '../shared/contract/result';
import { IndexDb } from './index/index-db';
import { IndexedSource, STORED_TREE_MIN_SPANS, type SpanRecord } from './indexed-source';
import { adaptRecord } from './ingest/adapt-record';
import { decodeCollectorPayload, describePayloadFormat, type PayloadEncoding } from './ingest/decode-otlp-proto';
import { parseCsvRecord } from './ingest/frame-csv-records';
import { readLengthPrefixedPayload } from './ingest/frame-length-prefixed';
import { parseRecordText } from './ingest/frame-json-records';
import { FileTailer, type PieceOutcome, type TailPiece, type TailPosition } from './sources/file-tailer';

const HEAD_BYTES = 4096;
/** A watched file that keeps growing has its big sessions' trees stored at most this often. */
const LIVE_TREES_DELAY_MS = 1000;
const RAW_TEXT_MAX_BYTES = 1024 * 1024;

/** Hash of the first `length` bytes of a file, to tell an appended file from a rewritten one. */
async function hashHead(path: string, length: number): Promise<string> {
  const handle = await fs.open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return createHash('sha1').update(buffer.subarray(0, bytesRead)).digest('hex');
  } finally {
    await handle.close();
  }
}

export class FileSource extends IndexedSource {
  private dbPath = '';
  private isDbOwned = false;
  private isClosed = false;
  /** The worker job storing big sessions' trees, while one runs; another is wanted after it. */
  private treesJob: Promise<void> | null = null;
  private isTreesWanted = false;
  private treesTimer: NodeJS.Timeout | null = null;
  private hasRequestedTrees = false;
  /** Spans were indexed since the last trees job started (an unchanged file reopened has none: no job). */
  private hasNewSpans = false;
  private tailer: FileTailer | null = null;
  private readonly formats = new Set<string>();
  private headLength = 0;
  /** Bumped on reset, so results of pieces indexed before it are ignored. */
  private generation = 0;

  /** Opens (or resumes) the index and starts reading. */
  override async open(): Promise<void> {
    const stat = await fs.stat(this.options.path);
    this.info.sizeBytes = stat.size;
    await fs.mkdir(join(this.options.cacheDir, 'index'), { recursive: true });
    const identity = createHash('sha1').update(await fs.realpath(this.options.path)).digest('hex').slice(0, 20);
    this.dbPath = join(this.options.cacheDir, 'index', `${identity}.sqlite`);
    // One process owns an index at a time; a second one indexes into a private copy.
    const lockPath = `${this.dbPath}.lock`;
    this.isDbOwned = await this.tryLock(lockPath);
    if (!this.isDbOwned) this.dbPath = join(this.options.cacheDir, 'index', `${identity}-${process.pid}-${Date.now()}.sqlite`);
    this.db = new IndexDb(this.dbPath);

    const start = await this.resumePosition(stat.ino, stat.size);
    // Bytes to index: the workers start now rather than when the first piece is read.
    if (stat.size > start.offset) this.options.workers.startAll();
    this.tailer = new FileTailer(
      this.options.path,
      { watch: this.options.watch, start, inode: stat.ino },
      {
        onPiece: (piece) => this.indexPiece(piece),
        onReset: (reason) => this.resetIndex(reason),
        onMissing: (isMissing, reason) => this.setMissing(isMissing, reason),
        onIdle: (sizeBytes) => void this.setIdle(sizeBytes),
      },
    );
    this.info.isLive = this.options.watch;
    this.refreshCounts();
    this.info.bytesRead = start.offset;
    this.options.events.sourceChangedLater(this.getInfo());
    await this.tailer.start();
  }

  private async tryLock(lockPath: string): Promise<boolean> {
    try {
      await fs.writeFile(lockPath, String(process.pid), { flag: 'wx' });
      return true;
    } catch {
      const pid = Number(await fs.readFile(lockPath, 'utf8').catch(() => 'NaN'));
      let isAlive = false;
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
        try {
          process.kill(pid, 0);
          isAlive = true;
        } catch {
          isAlive = false;
        }
      }
      if (isAlive || pid === process.pid) return false;
      await fs.writeFile(lockPath, String(process.pid));
      return true;
    }
  }

  /**
   * Where to resume: the end of the indexed pieces if the index belongs to this same file
   * (same inode, same first bytes, not shorter) and no run died mid-way; else start over.
   */
  private async resumePosition(inode: number, size: number): Promise<TailPosition> {
    const db = this.db!;
    const committed = db.readCommittedPosition();
    const headLength = Number(db.getMeta('head_length') ?? 0);
    const isSameFile =
      committed.offset > 0 &&
      !committed.hasGap &&
      db.getMeta('inode') === String(inode) &&
      size >= committed.offset &&
      size >= headLength &&
      db.getMeta('head_hash') === (await hashHead(this.options.path, headLength));
    if (!isSameFile) {
      db.clear();
      db.setMeta('inode', String(inode));
      await this.recordHead(size);
      return { offset: 0, line: 1 };
    }
    this.headLength = headLength;
    for (const format of (db.getMeta('formats') ?? '').split(',')) if (format) this.formats.add(format);
    this.info.format = this.formats.size > 0 ? [...this.formats].join(', ') : null;
    return { offset: committed.offset, line: committed.line };
  }

  /** Remembers the file's first bytes (up to HEAD_BYTES), to recognise it when reopened. */
  private async recordHead(size: number): Promise<void> {
    const length = Math.min(HEAD_BYTES, size);
    if (!this.db || (length <= this.headLength && this.headLength > 0)) return;
    const hash = await hashHead(this.options.path, length).catch(() => null);
    // The source may have been closed while hashing.
    if (!this.db || hash === null) return;
    this.db.setMeta('head_hash', hash);
    this.db.setMeta('head_length', String(length));
    this.headLength = length;
  }

  /** Sends a piece to an index worker and folds what it changed into counts and events. */
  private async indexPiece(piece: TailPiece): Promise<PieceOutcome> {
    const generation = this.generation;
    let result;
    try {
      result = await this.options.workers.run({
        dbPath: this.dbPath,
        bytes: piece.bytes.buffer as ArrayBuffer,
        lengthBytes: piece.lengthBytes,
        offset: piece.offset,
        line: piece.line,
        isClosed: piece.isClosed,
        encoding: piece.encoding,
        csvHeader: piece.csvHeader,
      });
    } catch (error) {
      this.info.status = 'failed';
      this.info.failure = `indexing stopped at byte ${piece.offset}: ${(error as Error).message}`;
      this.options.events.sourceChangedLater(this.getInfo());
      throw error;
    }
    if (generation !== this.generation) return { consumedBytes: result.consumedBytes, consumedLines: result.consumedLines };
    const isNewFormat = result.formats.some((format) => !this.formats.has(format));
    for (const format of result.formats) this.formats.add(format);
    if (isNewFormat) this.db?.setMeta('formats', [...this.formats].join(','));
    this.info.format = this.formats.size > 0 ? [...this.formats].join(', ') : null;
    if (result.spans > 0) this.hasNewSpans = true;
    this.info.spans += result.spans;
    this.info.traces += result.traces;
    this.info.sessions += result.sessions;
    this.info.errors += result.errors;
    this.info.logs += result.logs;
    this.info.bytesRead = Math.max(this.info.bytesRead, piece.offset + result.consumedBytes);
    this.info.sizeBytes = Math.max(this.info.sizeBytes, this.info.bytesRead);
    const gained = new Map<string, { count: number; endUs: number | null }>();
    for (const [sessionId, count, endUs] of result.gained) {
      gained.set(sessionId, { count, endUs });
      this.trees.invalidate(sessionId);
    }
    if (gained.size > 0) this.options.events.sessionsGrewLater(this.sourceId, gained);
    this.options.events.sourceChangedLater(this.getInfo());
    return { consumedBytes: result.consumedBytes, consumedLines: result.consumedLines };
  }

  private async resetIndex(_reason: string): Promise<void> {
    this.generation++;
    this.db?.clear();
    this.headLength = 0;
    this.formats.clear();
    this.trees.clear();
    this.info.format = null;
    this.info.bytesRead = 0;
    this.refreshCounts();
    const stat = await fs.stat(this.options.path).catch(() => null);
    if (stat) {
      this.db?.setMeta('inode', String(stat.ino));
      await this.recordHead(stat.size);
    }
    this.options.events.emitLater('sourceReset', { sourceId: this.sourceId });
    this.options.events.sourceChangedLater(this.getInfo());
  }

  private setMissing(isMissing: boolean, reason: string | null): void {
    if (isMissing) {
      this.info.status = 'missing';
      this.info.failure = reason;
      this.options.events.sourceChangedLater(this.getInfo());
    } else if (this.info.status === 'missing') {
      this.info.status = 'loading';
      this.info.failure = null;
    }
  }

  private async setIdle(sizeBytes: number): Promise<void> {
    this.requestSessionTrees();
    this.info.sizeBytes = Math.max(sizeBytes, this.info.bytesRead);
    if (this.info.status !== 'missing' && this.info.status !== 'failed') this.info.status = this.options.watch ? 'live' : 'idle';
    if (this.headLength < HEAD_BYTES && sizeBytes > this.headLength) await this.recordHead(sizeBytes);
    this.options.events.sourceChangedLater(this.getInfo());
  }

  /**
   * Has a worker store the trees of big sessions once the file is read (at once; for a
   * watched file that grew since, at most once a LIVE_TREES_DELAY_MS), one job at a time.
   */
  private requestSessionTrees(): void {
    if (this.isClosed || !this.hasNewSpans) return;
    if (this.treesJob) {
      this.isTreesWanted = true;
      return;
    }
    const isFirst = !this.hasRequestedTrees;
    this.hasRequestedTrees = true;
    if (!this.options.watch || isFirst) {
      this.startSessionTrees();
      return;
    }
    this.treesTimer ??= setTimeout(() => {
      this.treesTimer = null;
      this.startSessionTrees();
    }, LIVE_TREES_DELAY_MS);
  }

  private startSessionTrees(): void {
    if (this.isClosed || this.treesJob) return;
    this.hasNewSpans = false;
    const job = { dbPath: this.dbPath, minSpans: this.options.storedTreeMinSpans ?? STORED_TREE_MIN_SPANS };
    this.treesJob = this.options.workers
      .runSessionTrees(job)
      // Only time is lost when it fails: the engine then builds the tree when it is opened.
      .then(() => undefined, () => undefined)
      .finally(() => {
        this.treesJob = null;
        if (this.isTreesWanted) {
          this.isTreesWanted = false;
          this.requestSessionTrees();
        }
      });
  }

  /** Resolves once everything currently in the file has been read and indexed (big sessions' trees stored). */
  override async whenIdle(): Promise<void> {
    await this.tailer?.whenIdle();
    while (this.treesJob) await this.treesJob;
  }

  /**
   * Reads a span's record back from the file and adapts it again: the span as the index saw
   * it, or a failure when the file no longer holds it (changed since it was indexed).
   */
  override async readSpanRecord(spanKey: number): Promise<Result<SpanRecord>> {
    const location = this.db!.getSpanLocation(spanKey);
    if (!location) return fail(`no span ${spanKey} in ${this.info.name}`);
    let record: Buffer;
    try {
      const handle = await fs.open(this.options.path, 'r');
      try {
        const buffer = Buffer.alloc(location.recordLength);
        const { bytesRead } = await handle.read(buffer, 0, location.recordLength, location.recordOffset);
        record = buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    } catch (error) {
      return fail(`cannot read ${this.options.path}: ${(error as Error).message}`);
    }
    const stale = fail<SpanRecord>(`${this.info.name} changed since it was indexed (line ${location.recordLine}); reopen it`);
    let text: string;
    let value: unknown;
    // A Collector binary record (protobuf and/or zstd) is shown as the OTLP/JSON it decodes to,
    // a CSV row as the object its header makes of it.
    let payloadEncoding: PayloadEncoding | null = null;
    const { encoding, csvHeader } = this.tailer?.getEncoding() ?? { encoding: null, csvHeader: null };
    if (encoding === 'csv' && csvHeader) {
      const row = parseCsvRecord(record, csvHeader);
      if (!row) return stale;
      value = row;
      text = JSON.stringify(row, null, 2);
    } else if (encoding === 'length-prefixed') {
      const payload = readLengthPrefixedPayload(record);
      if (!payload) return stale;
      const decoded = decodeCollectorPayload(payload);
      if (!decoded.ok) return stale;
      value = decoded.value;
      payloadEncoding = decoded.encoding;
      text = JSON.stringify(value, null, 2);
    } else {
      text = record.toString('utf8');
      try {
        value = parseRecordText(text);
      } catch {
        return stale;
      }
    }
    const adapted = adaptRecord(value);
    if (!adapted.isTrace) return stale;
    const span = adapted.spans[location.recordIndex];
    if (!span || span.spanId !== location.spanId || span.traceId !== location.traceId) return stale;
    let isCut = false;
    if (Buffer.byteLength(text) > RAW_TEXT_MAX_BYTES) {
      text = text.slice(0, RAW_TEXT_MAX_BYTES);
      isCut = true;
    }
    return ok({
      span,
      sessionId: location.sessionId,
      format: payloadEncoding ? describePayloadFormat(adapted.format, payloadEncoding) : adapted.format,
      raw: { path: this.options.path, line: location.recordLine, offset: location.recordOffset, lengthBytes: location.recordLength, text, isCut },
    });
  }

  override async close(): Promise<void> {
    this.isClosed = true;
    if (this.treesTimer) clearTimeout(this.treesTimer);
    await this.tailer?.stop();
    await this.treesJob;
    await this.options.workers.closeDb(this.dbPath);
    this.db?.close();
    this.db = null;
    if (this.isDbOwned) {
      rmSync(`${this.dbPath}.lock`, { force: true });
    } else {
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${this.dbPath}${suffix}`, { force: true });
    }
  }
}
