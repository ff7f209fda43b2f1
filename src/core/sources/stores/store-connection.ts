/**
 * The engine's own read-only connection to a run database: it tells when the store changed
 * (another process committed, or the file was replaced) and reads single spans back for
 * their detail. Holding it open takes no lock: it never keeps a read transaction open.
 */
import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { openStore } from './open-store';
import type { StorePointer, StoreReader, StoreSpanDetail } from './store-reader';

/** The file's identity, size and time (and its WAL's): what tells a changed or replaced store. */
export function readStoreFileMark(path: string): string {
  const parts = ['', '-wal'].map((suffix) => {
    try {
      const stat = statSync(`${path}${suffix}`, { throwIfNoEntry: false });
      return stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}` : '-';
    } catch (error) {
      // A folder made unreadable, a path that became a file…: a mark of its own, never a throw.
      return `unreadable:${(error as NodeJS.ErrnoException).code ?? 'error'}`;
    }
  });
  return parts.join('|');
}

/** The inode of the file at `path` now, or null when it is gone or unreadable. */
function readInode(path: string): number | null {
  try {
    return statSync(path, { throwIfNoEntry: false })?.ino ?? null;
  } catch {
    return null;
  }
}

export class StoreConnection {
  private constructor(
    readonly path: string,
    private db: Database.Database,
    readonly reader: StoreReader,
    /** The file this connection has open: a store replaced by a new file needs a new connection. */
    readonly inode: number | null,
  ) {}

  /** Opens the store read-only; an unknown or unreadable database comes back as a reason. */
  static open(path: string): { ok: true; connection: StoreConnection } | { ok: false; reason: string } {
    const inode = readInode(path);
    // Busy means "ask again at the next poll": this connection serves the UI's thread.
    const opened = openStore(path, 0);
    return opened.ok ? { ok: true, connection: new StoreConnection(path, opened.db, opened.reader, inode) } : opened;
  }

  /** True when the path now names another file than the one this connection has open. */
  isReplaced(): boolean {
    return readInode(this.path) !== this.inode;
  }

  /**
   * A value that changes whenever the store may have: SQLite's data_version (bumped by
   * commits from any other connection, WAL or not) and the file's identity and size (a
   * database replaced by a new file is invisible to data_version).
   */
  readChangeMark(): string {
    let version: unknown;
    try {
      version = this.db.pragma('data_version', { simple: true });
    } catch {
      // Busy or gone: the file mark below still tells a change.
      version = 'unreadable';
    }
    return `${version}|${readStoreFileMark(this.path)}`;
  }

  /** What tells an unchanged store on reopen (no connection state in it). */
  readFileMark(): string {
    return `${this.reader.format}|${readStoreFileMark(this.path)}`;
  }

  readOne(pointer: StorePointer): StoreSpanDetail | null {
    return this.reader.readOne(this.db, pointer);
  }

  close(): void {
    this.db.close();
  }
}
