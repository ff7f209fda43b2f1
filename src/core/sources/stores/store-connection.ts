/**
 * The engine's own read-only connection to a run database: it tells when the store changed
 * (another process committed, or the file was replaced) and reads single spans back for
 * their detail. Holding it open takes no lock: it never keeps a read transaction open.
 */
import type Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import { openStore } from './open-store';
import type { StorePointer, StoreReader, StoreSpanDetail } from './store-reader';

export class StoreConnection {
  private constructor(
    readonly path: string,
    private db: Database.Database,
    readonly reader: StoreReader,
  ) {}

  /** Opens the store read-only; an unknown or unreadable database comes back as a reason. */
  static open(path: string): { ok: true; connection: StoreConnection } | { ok: false; reason: string } {
    const opened = openStore(path);
    return opened.ok ? { ok: true, connection: new StoreConnection(path, opened.db, opened.reader) } : opened;
  }

  /**
   * A value that changes whenever the store may have: SQLite's data_version (bumped by
   * commits from any other connection, WAL or not) and the file's identity and size (a
   * database replaced by a new file is invisible to data_version).
   */
  readChangeMark(): string {
    const stat = statSync(this.path, { throwIfNoEntry: false });
    if (!stat) return 'missing';
    let version: unknown = null;
    try {
      version = this.db.pragma('data_version', { simple: true });
    } catch {
      version = 'unreadable';
    }
    return `${version}:${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  }

  /** The file's identity and size, to tell an unchanged store on reopen (no connection state). */
  readFileMark(): string {
    const parts = ['', '-wal'].map((suffix) => {
      const stat = statSync(`${this.path}${suffix}`, { throwIfNoEntry: false });
      return stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}` : '-';
    });
    return `${this.reader.format}|${parts.join('|')}`;
  }

  readOne(pointer: StorePointer): StoreSpanDetail | null {
    return this.reader.readOne(this.db, pointer);
  }

  close(): void {
    this.db.close();
  }
}
