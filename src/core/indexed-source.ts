/**
 * One opened file: its tailer cuts it into pieces that the index workers parse and write to
 * the file's own index database, and it answers the contract's queries about itself (reading
 * a span's record back from the file for its detail). The index lives in the cache folder
 * under a name derived from the file's real path; an unchanged file (same inode, same first
 * bytes, not shorter) resumes where indexing stopped.
 */
import { createHash } from 'node:crypto';
import { promises as fs, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
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
import { IndexDb } from './index/index-db';
import { MAX_WINDOW_ROWS, SessionTrees } from './session-trees';
import { adaptRecord } from './ingest/adapt-record';
import { decodeCollectorPayload, describePayloadFormat, type PayloadEncoding } from './ingest/decode-otlp-proto';
import { parseCsvRecord } from './ingest/frame-csv-records';
import { readLengthPrefixedPayload } from './ingest/frame-length-prefixed';
import { parseRecordText } from './ingest/frame-json-records';
import { nsToUs } from './ingest/parse-time';
import type { NormalizedSpan } from './ingest/normalized-span';
import { deriveSpanFields } from './semantics/derive-span-fields';
import { SYNTHESIZED_ATTRIBUTE } from './semantics/classify-typed-record';
import { extractConversation, readTypedTurn } from './semantics/extract-conversation';
import type { EventHub } from './event-hub';
import { FileTailer, type PieceOutcome, type TailPiece, type TailPosition } from './sources/file-tailer';
import type { IndexWorkerPool } from './index-worker-pool';

const HEAD_BYTES = 4096;
const RAW_TEXT_MAX_BYTES = 1024 * 1024;
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
}

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

export class IndexedSource {
  protected readonly info: SourceInfo;
  protected db: IndexDb | null = null;
  private dbPath = '';
  private isDbOwned = false;
  private tailer: FileTailer | null = null;
  private readonly formats = new Set<string>();
  protected readonly trees = new SessionTrees(() => this.db!);
  private headLength = 0;
  /** Bumped on reset, so results of pieces indexed before it are ignored. */
  private generation = 0;

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

  /** Opens (or resumes) the index and starts reading. */
  async open(): Promise<void> {
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

  protected refreshCounts(): void {
    const counts = this.db!.getCounts();
    this.info.spans = counts.spans;
    this.info.traces = counts.traces;
    this.info.sessions = counts.sessions;
    this.info.errors = counts.errors;
    this.info.logs = counts.logs;
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
    this.info.sizeBytes = Math.max(sizeBytes, this.info.bytesRead);
    if (this.info.status !== 'missing' && this.info.status !== 'failed') this.info.status = this.options.watch ? 'live' : 'idle';
    if (this.headLength < HEAD_BYTES && sizeBytes > this.headLength) await this.recordHead(sizeBytes);
    this.options.events.sourceChangedLater(this.getInfo());
  }

  /** Resolves once everything currently in the file has been read and indexed. */
  async whenIdle(): Promise<void> {
    await this.tailer?.whenIdle();
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

  /**
   * Reads a span's record back from the file and adapts it again: the span as the index saw
   * it, or a failure when the file no longer holds it (changed since it was indexed).
   */
  async readSpanRecord(spanKey: number): Promise<Result<SpanRecord>> {
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
    const payload = readLengthPrefixedPayload(record);
    const csvHeader = payload ? null : (this.tailer?.getCsvHeader() ?? null);
    if (csvHeader) {
      const row = parseCsvRecord(record, csvHeader);
      if (!row) return stale;
      value = row;
      text = JSON.stringify(row, null, 2);
    } else if (payload) {
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

  async close(): Promise<void> {
    await this.tailer?.stop();
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
