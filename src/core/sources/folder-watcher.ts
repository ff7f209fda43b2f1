/**
 * Watches a folder (and its subfolders, FOLDER_DEPTH deep) for trace files that appear after it was opened.
 * Which files are traces is decided from their first bytes, never from their names.
 */
import { promises as fs } from 'node:fs';
import { basename, join } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { readLangfuseCsvHeader } from '../ingest/adapt-langfuse';

const SNIFF_BYTES = 4096;

/**
 * True when the file's first non-blank character starts a JSON object or array (after any
 * BOM), when its first line is the CSV header of a Langfuse export, or when it is an SQLite
 * database (run databases are detected by their tables later).
 */
export async function looksLikeTraceFile(path: string): Promise<boolean> {
  let handle: fs.FileHandle | null = null;
  try {
    handle = await fs.open(path, 'r');
    const buffer = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, SNIFF_BYTES, 0);
    if (buffer.toString('latin1', 0, 16) === 'SQLite format 3\0') return true;
    const text = buffer.toString('utf8', 0, bytesRead).replace(/^\uFEFF/, '').trimStart();
    if (text.startsWith('{') || text.startsWith('[')) return true;
    return Array.isArray(readLangfuseCsvHeader(buffer.subarray(0, bytesRead), bytesRead < SNIFF_BYTES));
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

/**
 * How deep a folder is read and watched: exports keep their files in subfolders (Langfuse's
 * `traces/`, `observations/`, `scores/`; a collector's dated folders), but a folder is not a
 * disk to crawl.
 */
export const FOLDER_DEPTH = 3;

/** Folders never looked into: hidden ones and package trees. */
export const isSkippedFolderEntry = (name: string) => name.startsWith('.') || name === 'node_modules';

/** Every file under `path` (FOLDER_DEPTH levels of subfolders), in name order, skipped entries left out. */
export async function listFolderFiles(path: string, depth = FOLDER_DEPTH): Promise<string[]> {
  const entries = await fs.readdir(path, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (isSkippedFolderEntry(entry.name)) continue;
    const child = join(path, entry.name);
    if (entry.isFile()) files.push(child);
    else if (entry.isDirectory() && depth > 0) files.push(...(await listFolderFiles(child, depth - 1).catch(() => [])));
  }
  return files;
}

export class FolderWatcher {
  private watcher: FSWatcher | null = null;

  constructor(
    private readonly path: string,
    private readonly onTraceFile: (file: string) => void,
  ) {}

  /** Starts watching; resolves once the watcher is ready (files added later are reported). */
  async start(): Promise<void> {
    this.watcher = watch(this.path, {
      depth: FOLDER_DEPTH,
      ignoreInitial: true,
      ignored: (file: string) => file !== this.path && isSkippedFolderEntry(basename(file)),
    });
    const consider = (file: string) => {
      void looksLikeTraceFile(file).then((isTrace) => {
        if (isTrace) this.onTraceFile(file);
      });
    };
    this.watcher.on('add', consider);
    // A file created empty becomes a trace file on its first write.
    this.watcher.on('change', consider);
    await new Promise<void>((ready) => this.watcher!.once('ready', () => ready()));
  }

  async stop(): Promise<void> {
    await this.watcher?.close();
    this.watcher = null;
  }
}
