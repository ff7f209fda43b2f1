/**
 * Opens a run database read-only and tells which store it is. A store is never written:
 * `readonly` connections cannot write, and every query is its own short read transaction.
 */
import Database from 'better-sqlite3';
import { openSync, readSync, closeSync } from 'node:fs';
import { findStoreReader } from './store-readers';
import type { StoreReader } from './store-reader';
import { readColumnNames, readTableNames } from './read-store-schema';

const SQLITE_MAGIC = 'SQLite format 3\0';

/** True when the file starts with SQLite's header (FORMATS.md §1). */
export function isSqliteFile(path: string): boolean {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(SQLITE_MAGIC.length);
    const bytesRead = readSync(fd, head, 0, head.length, 0);
    return bytesRead === head.length && head.toString('latin1') === SQLITE_MAGIC;
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** True when the store has every column the reader names as identifying it (FORMATS.md §1). */
function hasRequiredColumns(db: Database.Database, reader: StoreReader): boolean {
  return Object.entries(reader.requiredColumns ?? {}).every(([table, columns]) => {
    const present = readColumnNames(db, table);
    return columns.every((column) => present.has(column));
  });
}

export type OpenedStore =
  | { ok: true; db: Database.Database; reader: StoreReader }
  | { ok: false; reason: string };

/** Opens `path` read-only and finds its reader; an unknown schema is explained by its tables. */
export function openStore(path: string, busyTimeoutMs = 2000): OpenedStore {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    return { ok: false, reason: `cannot open the database: ${(error as Error).message}` };
  }
  try {
    // A writer may hold the database for a moment; wait rather than fail (the engine's own
    // connection, on the thread that serves the UI, passes 0: busy means "ask again later").
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const tables = readTableNames(db);
    const reader = findStoreReader(tables, (candidate) => hasRequiredColumns(db, candidate));
    if (reader) return { ok: true, db, reader };
    db.close();
    const names = [...tables].filter((name) => !name.startsWith('sqlite_')).sort();
    return {
      ok: false,
      reason: names.length === 0
        ? 'an empty SQLite database (no tables yet)'
        : `not a run database Tracelight knows: tables ${names.slice(0, 12).join(', ')}${names.length > 12 ? ', …' : ''}`,
    };
  } catch (error) {
    db.close();
    return { ok: false, reason: `cannot read the database: ${(error as Error).message}` };
  }
}
