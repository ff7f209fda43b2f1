/**
 * Follows one file by byte offset. chokidar says *when* to read; the committed offset says
 * *what*: every read starts at the end of the last complete record, so a partial record at
 * the end of the file is simply read again once its writer finishes it. A file that shrank
 * below the offset (truncated) or was replaced by another file (rotated: a new inode) is read
 * again from the start after a reset. The file is only ever opened for reading.
 */
import { promises as fs } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { frameJsonRecords, type FramedRecord, type FramingError } from '../ingest/frame-json-records';

export interface TailPosition {
  offset: number;
  line: number;
}

export interface FileTailerHandlers {
  /** Complete records and framing errors from one chunk; resolves once they are stored. */
  onFrames(records: FramedRecord[], errors: FramingError[], position: TailPosition, sizeBytes: number): Promise<void> | void;
  /** The file was truncated or replaced: everything indexed so far is void. */
  onReset(reason: string): Promise<void> | void;
  /** The file disappeared, or reappeared (isMissing false). */
  onMissing(isMissing: boolean, reason: string | null): void;
  /** Reading caught up with the end of the file. */
  onIdle(sizeBytes: number): void;
}

export interface FileTailerOptions {
  watch: boolean;
  start: TailPosition;
  /** Inode the start position belongs to; a different inode means the file was replaced. */
  inode: number | null;
}

const FIRST_CHUNK_BYTES = 256 * 1024;
const CHUNK_BYTES = 8 * 1024 * 1024;
const SAFETY_POLL_MS = 500;

export class FileTailer {
  private position: TailPosition;
  private inode: number | null;
  private watcher: FSWatcher | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private lastSizeBytes = -1;
  private isReading = false;
  private isReadAgain = false;
  private isStopped = false;
  private idleWaiters: (() => void)[] = [];

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
      this.watcher.on('change', () => this.requestRead());
      this.watcher.on('add', () => this.requestRead());
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

  private async pollStat(): Promise<void> {
    if (this.isReading || this.isStopped) return;
    try {
      const stat = await fs.stat(this.path);
      if (stat.ino !== this.inode || stat.size !== this.lastSizeBytes) this.requestRead();
    } catch {
      // Missing: chokidar's unlink already said so, and the next stat after it returns will read.
    }
  }

  /** Resolves when the tailer has read up to the end of the file as it was when called. */
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
      let isFirst = this.position.offset === 0;
      while (!this.isStopped) {
        if (this.position.offset >= size) {
          // The file may have grown while we read; look once more before going idle.
          size = (await handle.stat()).size;
          if (this.position.offset >= size) break;
        }
        const want = Math.min(isFirst ? FIRST_CHUNK_BYTES : CHUNK_BYTES, size - this.position.offset);
        isFirst = false;
        const buffer = Buffer.allocUnsafe(want);
        const { bytesRead } = await handle.read(buffer, 0, want, this.position.offset);
        if (bytesRead === 0) break;
        const bytes = buffer.subarray(0, bytesRead);
        const isEnd = this.position.offset + bytesRead >= size;
        const framed = frameJsonRecords(bytes, this.position.offset, this.position.line, isEnd && !this.options.watch);
        if (framed.consumedBytes === 0) {
          if (isEnd) break; // a partial record at the end: wait for the writer
          // A single record larger than the chunk: read a bigger window.
          const bigger = await this.readLargeRecord(handle, size);
          if (!bigger) break;
          continue;
        }
        this.position = { offset: this.position.offset + framed.consumedBytes, line: this.position.line + framed.consumedLines };
        await this.handlers.onFrames(framed.records, framed.errors, this.getPosition(), size);
      }
      this.lastSizeBytes = size;
      this.handlers.onIdle(size);
    } finally {
      await handle.close();
    }
  }

  /** Frames one record that does not fit in a chunk, doubling the window until it does. */
  private async readLargeRecord(handle: fs.FileHandle, size: number): Promise<boolean> {
    let want = CHUNK_BYTES * 2;
    for (;;) {
      const length = Math.min(want, size - this.position.offset);
      const buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buffer, 0, length, this.position.offset);
      const isEnd = this.position.offset + bytesRead >= size;
      const framed = frameJsonRecords(buffer.subarray(0, bytesRead), this.position.offset, this.position.line, isEnd && !this.options.watch);
      if (framed.consumedBytes > 0) {
        this.position = { offset: this.position.offset + framed.consumedBytes, line: this.position.line + framed.consumedLines };
        await this.handlers.onFrames(framed.records, framed.errors, this.getPosition(), size);
        return true;
      }
      if (isEnd) return false;
      want *= 2;
    }
  }

  private async reset(reason: string): Promise<void> {
    this.position = { offset: 0, line: 1 };
    await this.handlers.onReset(reason);
  }

  async stop(): Promise<void> {
    this.isStopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    await this.watcher?.close();
    this.watcher = null;
    await this.whenIdle();
  }
}

function describeOpenError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'the file does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'this is a folder, not a file';
  return (error as Error).message;
}
