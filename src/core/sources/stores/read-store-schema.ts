/**
 * What a run database holds, by name: its tables and a table's columns (lower-cased). Kept
 * apart from the reader registry so readers can use it without an import cycle.
 */
import type Database from 'better-sqlite3';

/** The store's table names, lower-cased. */
export function readTableNames(db: Database.Database): Set<string> {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").all() as { name: string }[];
  return new Set(rows.map((row) => row.name.toLowerCase()));
}

/** The columns of a table, lower-cased (stores add and rename columns between releases). */
export function readColumnNames(db: Database.Database, table: string): Set<string> {
  const rows = db.prepare(`PRAGMA table_info("${table.replace(/"/g, '""')}")`).all() as { name: string }[];
  return new Set(rows.map((row) => row.name.toLowerCase()));
}
