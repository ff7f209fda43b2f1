/**
 * Follows one file by byte offset and cuts what it reads into pieces for the index workers.
 * chokidar says *when* to read; the offset says *what*.
 *
 * A chunk is cut just before its last record start (a `{` at column 0: JSON strings cannot
 * hold raw newlines and indented dumps never put a brace at column 0). Everything before the
 * cut is a closed piece — complete records, or broken ones — that a worker can index while
 * the next chunk is read. The bytes after the last cut form an open piece: it may end in a
 * record its writer has not finished, so the tailer waits to hear how much of it was
 * consumed and starts the next read there. A file that starts with `[` is one JSON array and
 * is never cut.
 *
 * A file whose first byte is not text and that starts like a Collector length-prefixed record
 * (`format: proto` or `compression: zstd`, FORMATS.md §3) is binary: it is cut after its last
 * complete record instead, by walking the length prefixes, and its pieces are marked so the
 * workers frame them the same way. A record its writer has not finished waits for more bytes.
 *
 * A file whose first line is a CSV header naming Langfuse export columns (FORMATS.md §5.3) is
 * CSV: its header is read once, and each piece carries it, since a piece starting mid-file has
 * none. It is cut after its last complete row (a line break outside quotes: a quoted field may
 * hold line breaks). The row after the cut may be unfinished and waits like any open tail. A
 * first line still being written, with no line break yet, is waited for before deciding.
 *
 * A file that shrank below the offset (truncated) or was replaced (rotated: a new inode) is
 * read again from the start after a reset. The file is only ever opened for reading.
 */
import { promises as fs } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { readLangfuseCsvHeader } from '../ingest/adapt-langfuse';
import { findLastCsvRowEnd } from '../ingest/frame-csv-records';
import { frameLengthPrefixed, isLengthPrefixedHead, type RecordEncoding } from '../ingest/frame-length-prefixed';
import { loadRecordScanner } from '../native/record-scanner-addon';

export interface TailPosition {
  offset: number;
  line: number;
}

export interface TailPiece {
  /** Owns its ArrayBuffer (it is transferred to a worker); the piece is its first lengthBytes. */
  bytes: Buffer;
  lengthBytes: number;
  offset: number;
  line: number;
  /** Nothing in it can still be completed: cut before a record start, or the file is read once. */
  isClosed: boolean;
  /** How its records are delimited (the whole file's encoding, detected from its first bytes). */
  encoding: RecordEncoding;
  /** A CSV file's column names (its first row), for pieces that start after it. */
  csvHeader?: readonly string[];
}

export interface PieceOutcome {
  consumedBytes: number;
  consumedLines: number;
}

export interface FileTailerHandlers {
  /** Indexes a piece; resolves with how much of it was consumed. */
  onPiece(piece: TailPiece): Promise<PieceOutcome>;
  /** The file was truncated or replaced: everything indexed so far is void. */
  onReset(reason: string): Promise<void> | void;
  /** The file disappeared, or reappeared (isMissing false). */
  onMissing(isMissing: boolean, reason: string | null): void;
  /** Reading caught up with the end of the file and every piece is indexed. */
  onIdle(sizeBytes: number): void;
}

export interface FileTailerOptions {
  watch: boolean;
  start: TailPosition;
  /** Inode the start position belongs to; a different inode means the file was replaced. */
  inode: number | null;
  /** Pieces being indexed at once (bounds memory). */
  maxPiecesInFlight?: number;
}

const FIRST_CHUNK_BYTES = 256 * 1024;
/**
 * Pieces are small on purpose: two index workers each holding a few MB of records at a time
 * stay within the caches they share; with 8 MB pieces both ran ~40% slower than alone
 * (measured: 512 KB pieces index ~25% faster than 8 MB ones on two workers). Since console
 * spans are scanned natively (far less garbage per record), 1 MB measures ~4% faster than
 * 512 KB: half the write transactions.
 */
const CHUNK_BYTES = 1024 * 1024;
const SAFETY_POLL_MS = 500;
const RECHECK_AFTER_CHANGE_MS = 60;
const NEWLINE = 0x0a;
/** Enough of a file's start to tell a length-prefixed record from text. */
const ENCODING_HEAD_BYTES = 8;
/** Enough of a file's start to hold a CSV header row (Langfuse's are well under 1 KB). */
const CSV_HEADER_MAX_BYTES = 64 * 1024;

/** Index just after the last "\n" that is followed by "{", or -1. */
function findLastRecordStart(bytes: Buffer, length: number): number {
  let at = length;
  for (;;) {
    const brace = bytes.lastIndexOf('\n{', at - 1);
    if (brace === -1) return -1;
    if (brace + 2 <= length) return brace + 1;
    at = brace;
  }
}

/**
 * Line breaks in bytes[0, length): counted natively when the record scanner is built (an
 * indented trace has one every ~35 bytes; this runs on the thread serving the UI).
 */
function countNewlines(bytes: Buffer, length: number): number {
  const scanner = loadRecordScanner();
  if (scanner) return scanner.countByte(bytes, NEWLINE, 0, length);
  let count = 0;
  for (let i = bytes.indexOf(NEWLINE, 0); i !== -1 && i < length; i = bytes.indexOf(NEWLINE, i + 1)) count++;
  return count;
}

/** True when the first non-blank byte (after a BOM) opens an array: one JSON value for the whole file. */
function isArrayFile(bytes: Buffer, length: number): boolean {
  let i = length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (i < length && (bytes[i] === 0x20 || bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x09)) i++;
  return i < length && bytes[i] === 0x5b;
}

/**
 * The file's record encoding (and a CSV file's header), from its first bytes, never from its
 * name; null while the first line is still being written and could be a CSV header (`isGrowing`).
 */
async function readEncoding(handle: fs.FileHandle, size: number, isGrowing: boolean): Promise<{ encoding: RecordEncoding; csvHeader: string[] | null } | null> {
  const head = Buffer.alloc(Math.min(CSV_HEADER_MAX_BYTES, size));
  const { bytesRead } = await handle.read(head, 0, head.length, 0);
  const bytes = head.subarray(0, bytesRead);
  if (isLengthPrefixedHead(bytes.subarray(0, ENCODING_HEAD_BYTES))) return { encoding: 'length-prefixed', csvHeader: null };
  const csvHeader = readLangfuseCsvHeader(bytes, !isGrowing || bytesRead === CSV_HEADER_MAX_BYTES);
  if (csvHeader === 'pending') return null;
  return csvHeader ? { encoding: 'csv', csvHeader } : { encoding: 'json', csvHeader: null };
}

export class FileTailer {
  private position: TailPosition;
  private inode: number | null;
  /** Detected on the first read of a non-empty file, again after a reset. */
  private encoding: RecordEncoding | null = null;
  /** A CSV file's header row, read with its encoding. */
  private csvHeader: string[] | null = null;
  private watcher: FSWatcher | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private recheckTimer: NodeJS.Timeout | null = null;
  private lastSizeBytes = -1;
  private isReading = false;
  private isReadAgain = false;
  private isStopped = false;
  private idleWaiters: (() => void)[] = [];
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    readonly path: string,
    private readonly options: FileTailerOptions,
    private readonly handlers: FileTailerHandlers,
  ) {
    this.position = { ...options.start };
    this.inode = options.inode;
  }

  getPosition(): TailPosition {
    return { ...this.position };
  }

  getInode(): number | null {
    return this.inode;
  }

  /** How the file's records are encoded (null until its first bytes are read) and a CSV file's column names. */
  getEncoding(): { encoding: RecordEncoding | null; csvHeader: readonly string[] | null } {
    return { encoding: this.encoding, csvHeader: this.csvHeader };
  }

  /**
   * Reads what is there and, when watching, follows the file. The folder is watched rather
   * than the file, so a file renamed away and recreated (rotation) is still seen.
   */
  async start(): Promise<void> {
    if (this.options.watch) {
      const target = resolve(this.path);
      const folder = dirname(target);
      this.watcher = watch(folder, {
        depth: 0,
        persistent: true,
        ignoreInitial: true,
        awaitWriteFinish: false,
        ignored: (file: string) => file !== folder && resolve(file) !== target,
      });
      this.watcher.on('change', () => this.onChanged());
      this.watcher.on('add', () => this.onChanged());
      this.watcher.on('unlink', () => this.handlers.onMissing(true, 'the file was deleted'));
      this.watcher.on('error', () => this.requestRead());
      await new Promise<void>((ready) => this.watcher!.once('ready', () => ready()));
      // chokidar can miss a rename-and-recreate that lands within its atomic-write window;
      // a slow stat poll is the safety net (it only reads metadata).
      this.pollTimer = setInterval(() => void this.pollStat(), SAFETY_POLL_MS);
      this.pollTimer.unref();
    }
    this.requestRead();
  }

  /**
   * chokidar drops a second change within 50 ms of the first (its throttle), so a span written
   * right after another would wait for the next write or the safety poll: look again once
   * just after that window.
   */
  private onChanged(): void {
    this.requestRead();
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    this.recheckTimer = setTimeout(() => {
      this.recheckTimer = null;
      this.requestRead();
    }, RECHECK_AFTER_CHANGE_MS);
    this.recheckTimer.unref();
  }

  private async pollStat(): Promise<void> {
    if (this.isReading || this.isStopped) return;
    try {
      const stat = await fs.stat(this.path);
      if (stat.ino !== this.inode || stat.size !== this.lastSizeBytes) this.requestRead();
    } catch {
      // Missing: chokidar's unlink already said so; the next successful stat reads again.
    }
  }

  /** Resolves when the tailer has read and indexed up to the end of the file as it was when called. */
  whenIdle(): Promise<void> {
    if (!this.isReading && !this.isReadAgain) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Schedules a read; concurrent requests collapse into one follow-up read. */
  requestRead(): void {
    if (this.isStopped) return;
    if (this.isReading) {
      this.isReadAgain = true;
      return;
    }
    this.isReading = true;
    void this.readLoop();
  }

  private async readLoop(): Promise<void> {
    try {
      do {
        this.isReadAgain = false;
        await this.readAvailable();
      } while (this.isReadAgain && !this.isStopped);
    } finally {
      this.isReading = false;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  private async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** Hands a piece to the index without waiting, keeping at most maxPiecesInFlight busy. */
  private async dispatch(piece: TailPiece): Promise<void> {
    const limit = this.options.maxPiecesInFlight ?? 6;
    while (this.inFlight.size >= limit) await Promise.race(this.inFlight);
    const done: Promise<unknown> = this.handlers
      .onPiece(piece)
      .catch(() => undefined)
      .finally(() => this.inFlight.delete(done));
    this.inFlight.add(done);
  }

  private async readAvailable(): Promise<void> {
    let handle: fs.FileHandle;
    try {
      handle = await fs.open(this.path, 'r');
    } catch (error) {
      this.handlers.onMissing(true, describeOpenError(error));
      return;
    }
    try {
      const stat = await handle.stat();
      this.handlers.onMissing(false, null);
      if (this.inode !== null && stat.ino !== this.inode && this.position.offset > 0) {
        await this.reset('the file was replaced (rotated)');
      } else if (stat.size < this.position.offset) {
        await this.reset('the file was truncated');
      }
      this.inode = stat.ino;
      let size = stat.size;
      let want = this.position.offset === 0 ? FIRST_CHUNK_BYTES : CHUNK_BYTES;
      let isArray: boolean | null = this.position.offset === 0 ? null : false;
      while (!this.isStopped) {
        if (this.position.offset >= size) {
          // The file may have grown while we read; look once more before going idle.
          size = (await handle.stat()).size;
          if (this.position.offset >= size) break;
        }
        // Decided once the file has bytes (here it has), and kept until a reset.
        if (this.encoding === null) {
          const detected = await readEncoding(handle, size, this.options.watch);
          if (!detected) break; // a first line still being written: wait for its end
          this.encoding = detected.encoding;
          this.csvHeader = detected.csvHeader;
        }
        const encoding = this.encoding;
        const csvHeader = this.csvHeader ?? undefined;
        const length = Math.min(want, size - this.position.offset);
        const bytes = Buffer.allocUnsafeSlow(length);
        const { bytesRead } = await handle.read(bytes, 0, length, this.position.offset);
        if (bytesRead === 0) break;
        const isEnd = this.position.offset + bytesRead >= size;
        if (encoding === 'length-prefixed') {
          const framed = frameLengthPrefixed(bytes.subarray(0, bytesRead), this.position.offset, this.position.line, false, () => undefined);
          if (framed.consumedBytes > 0) {
            await this.dispatch({ bytes, lengthBytes: framed.consumedBytes, offset: this.position.offset, line: this.position.line, isClosed: true, encoding });
            this.position = { offset: this.position.offset + framed.consumedBytes, line: this.position.line + framed.consumedLines };
            want = CHUNK_BYTES;
            continue;
          }
          if (!isEnd) {
            // One record larger than the window: read the whole of it.
            want = Math.max(want * 2, framed.pendingBytes);
            continue;
          }
          // Only an unfinished record is left: wait for its writer, or, when the file is read
          // once, let a worker report it.
          if (this.options.watch) break;
          await this.dispatch({ bytes, lengthBytes: bytesRead, offset: this.position.offset, line: this.position.line, isClosed: true, encoding });
          this.position = { offset: this.position.offset + bytesRead, line: this.position.line + 1 };
          continue;
        }
        let cut: number;
        if (encoding === 'csv') {
          cut = findLastCsvRowEnd(bytes, bytesRead);
        } else {
          isArray ??= isArrayFile(bytes, bytesRead);
          cut = isArray ? -1 : findLastRecordStart(bytes, bytesRead);
        }
        if (cut > 0) {
          const lines = countNewlines(bytes, cut);
          await this.dispatch({ bytes, lengthBytes: cut, offset: this.position.offset, line: this.position.line, isClosed: true, encoding, csvHeader });
          this.position = { offset: this.position.offset + cut, line: this.position.line + lines };
          want = CHUNK_BYTES;
          continue;
        }
        if (!isEnd) {
          // One record (or one array) larger than the window: read a wider one.
          want = Math.max(want * 2, CHUNK_BYTES);
          continue;
        }
        // The open tail of the file: wait for its result, it decides where the next read starts.
        await this.drain();
        const start = this.position;
        const outcome = await this.handlers
          .onPiece({ bytes, lengthBytes: bytesRead, offset: start.offset, line: start.line, isClosed: !this.options.watch, encoding, csvHeader })
          .catch(() => ({ consumedBytes: 0, consumedLines: 0 }));
        this.position = { offset: start.offset + outcome.consumedBytes, line: start.line + outcome.consumedLines };
        if (outcome.consumedBytes < bytesRead) break; // a partial record: wait for its writer
      }
      await this.drain();
      this.lastSizeBytes = size;
      this.handlers.onIdle(size);
    } finally {
      await handle.close();
    }
  }

  private async reset(reason: string): Promise<void> {
    await this.drain();
    this.position = { offset: 0, line: 1 };
    this.encoding = null;
    this.csvHeader = null;
    await this.handlers.onReset(reason);
  }

  async stop(): Promise<void> {
    this.isStopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.recheckTimer) clearTimeout(this.recheckTimer);
    await this.watcher?.close();
    this.watcher = null;
    await this.whenIdle();
    await this.drain();
  }
}

function describeOpenError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'the file does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'this is a folder, not a file';
  return (error as Error).message;
}
