/**
 * What a reader of one SQLite run database (FORMATS.md §5) provides. A store is detected by
 * its table set, never by its file name; its rows become the same normalized spans the file
 * adapters produce, each with a pointer (table + rowid) to read it back for its detail.
 *
 * Readers are pure over a read-only connection: they never write, and read in short pages
 * (`WHERE rowid > ? ORDER BY rowid LIMIT n`) so no read transaction lasts long while the
 * store's own writer keeps checkpointing (FORMATS.md §11.30). Columns are introspected
 * (`PRAGMA table_info`) since stores add and rename them between releases.
 */
import type Database from 'better-sqlite3';
import type { NormalizedSpan } from '../../ingest/normalized-span';

/** Store names as users see them (summary, sidebar). */
export type StoreFormat =
  | 'phoenix-db'
  | 'mlflow-db'
  | 'kitelogik-audit-db'
  | 'kavalai-db'
  | 'kavalai-tasklog-db'
  | 'kitaru-db';

/** Where a span came from: the row it was read from, and its position among that row's spans. */
export interface StorePointer {
  /** One of the reader's `tables`. */
  table: string;
  rowid: number;
  /** 0 unless one row yields several spans. */
  index: number;
}

export interface StoreSpan {
  span: NormalizedSpan;
  pointer: StorePointer;
}

/** A row that could not be read; everything else is still shown. */
export interface StoreRowError {
  table: string;
  rowid: number | null;
  reason: string;
}

/** A span read back for its detail, with the row(s) it came from for "show raw". */
export interface StoreSpanDetail {
  span: NormalizedSpan;
  /** The source row as the store holds it (column → value; blobs as a short description). */
  raw: Record<string, unknown>;
}

export interface StoreReader {
  readonly format: StoreFormat;
  /**
   * The tables spans are read from: a pointer's table is one of these, and the index keeps a
   * span's table as its position in this list, so it must only ever grow at the end.
   */
  readonly tables: readonly string[];
  /** True when the store's tables (names lower-cased) identify this store (FORMATS.md §1). */
  matches(tables: ReadonlySet<string>): boolean;
  /**
   * Columns (lower-cased) that identify the store besides its tables, by table, when FORMATS.md
   * §1 names them: a store whose tables match but which lacks one of these is not this store,
   * and the next reader is tried.
   */
  readonly requiredColumns?: Readonly<Record<string, readonly string[]>>;
  /**
   * Every span of the store, in a stable order (parents need not come first), handed to `emit`
   * as read; bad rows go to `error` and reading goes on: a row whose reading throws is reported
   * as such, never the store. Throws only when the store cannot be read at all (e.g. a required
   * table lost a column), with a message naming what is missing, or when `emit` or `error`
   * throws a StoreReadAborted, which passes through.
   */
  readAll(db: Database.Database, emit: (span: StoreSpan) => void, error: (problem: StoreRowError) => void): void;
  /** One span back by its pointer, or null when the row is gone or no longer yields it. */
  readOne(db: Database.Database, pointer: StorePointer): StoreSpanDetail | null;
}

/**
 * Thrown by a reader's `emit` or `error` callback to stop reading the store (e.g. the index it
 * writes to failed): readers let it through instead of reporting it as a row error. The
 * failure is its `cause`.
 */
export class StoreReadAborted extends Error {
  constructor(cause: unknown) {
    super(`reading the store was stopped: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'StoreReadAborted';
  }
}
