/**
 * Column values of run-database rows as the readers need them (FORMATS.md §11.31). JSON may
 * be held as TEXT or as a BLOB (UTF-8 text, or SQLite's binary JSONB), so a blob is tried as
 * text first and then through SQLite's own `json()`. Integers are read as BigInt
 * (`safeIntegers`) so 64-bit nanoseconds stay exact, and JSON text is parsed the same way:
 * an integer literal beyond 2^53 becomes its decimal string instead of a rounded double.
 * A row shown raw keeps its columns, JSON decoded, blobs described rather than dumped.
 */
import type Database from 'better-sqlite3';
import { parseJsonLenient, quoteTokensOutsideStrings, type TokenAt } from '../../ingest/parse-json-lenient';
import { flattenAttributes } from '../../ingest/adapt-phoenix';
import { isJsonObject } from '../../ingest/is-json-object';
import type { Attributes, AttributeValue } from '../../../shared/model/attribute-value';
import { StoreReadAborted, type StoreRowError } from './store-reader';

/** Rows per page: each page is one short read transaction (FORMATS.md §11.30). */
export const PAGE_ROWS = 2000;

const LONG_DIGITS = /\d{16}/;

const isDigit = (code: number) => code >= 0x30 && code <= 0x39;

/** An integer literal a double cannot hold exactly, to be quoted; a float skipped whole. */
function readUnsafeInteger(text: string, at: number): TokenAt {
  const c = text.charCodeAt(at);
  if (c !== 0x2d && !isDigit(c)) return null;
  const digitsStart = c === 0x2d ? at + 1 : at;
  let end = digitsStart;
  while (end < text.length && isDigit(text.charCodeAt(end))) end++;
  if (end === digitsStart) return null;
  const next = text[end];
  if (next === '.' || next === 'e' || next === 'E') {
    // A fraction or exponent: a float, left to JSON.parse.
    while (end < text.length && /[0-9.eE+-]/.test(text[end])) end++;
    return { end, isQuoted: false };
  }
  return { end, isQuoted: !Number.isSafeInteger(Number(text.slice(at, end))) };
}

/** Rewrites integer literals outside strings that a double cannot hold exactly as JSON strings. */
function quoteUnsafeIntegers(text: string): string {
  return LONG_DIGITS.test(text) ? quoteTokensOutsideStrings(text, readUnsafeInteger) : text;
}

/** Parses JSON text exactly: unsafe integers become decimal strings, bare NaN/Infinity strings. Throws when not JSON. */
export function parseJsonExact(text: string): unknown {
  return parseJsonLenient(quoteUnsafeIntegers(text));
}

/** `SELECT json(?)` per connection, prepared once (a store may hold every row's JSON as JSONB). */
const jsonStatements = new WeakMap<Database.Database, Database.Statement>();

/** A blob's JSON value: UTF-8 JSON text, else SQLite JSONB converted by `json()`; undefined when it is neither. */
function readBlobJson(db: Database.Database, blob: Buffer): unknown {
  try {
    return parseJsonExact(blob.toString('utf8'));
  } catch {
    // Not JSON text; SQLite's binary JSONB is tried next.
  }
  try {
    let statement = jsonStatements.get(db);
    if (!statement) jsonStatements.set(db, (statement = db.prepare('SELECT json(?) AS text')));
    const row = statement.get(blob) as { text: unknown } | undefined;
    return typeof row?.text === 'string' ? parseJsonExact(row.text) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A JSON column's value decoded, whether SQLite holds it as TEXT or as a BLOB (FORMATS.md
 * §11.31); NULL is null. Throws when the value is not JSON.
 */
export function decodeJsonColumn(db: Database.Database, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return parseJsonExact(value);
  const decoded = Buffer.isBuffer(value) ? readBlobJson(db, value) : undefined;
  if (decoded === undefined) throw new Error('not JSON');
  return decoded;
}

/** An integer or real column read with `safeIntegers` as a number; null for NULL or anything else. */
export function readNumber(value: unknown): number | null {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return null;
}

/** A text column as text (numbers as their digits); null for NULL and blobs. */
export function readText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return null;
}

/** Throws, naming the table and column, when a table lacks a column the reader cannot do without. */
export function requireColumns(table: string, columns: ReadonlySet<string>, required: readonly string[]): void {
  for (const column of required) {
    if (!columns.has(column)) throw new Error(`table ${table} has no column ${column}, which this reader needs (an unsupported schema version?)`);
  }
}

/** The first of `names` the table has (stores rename columns between releases), or null. */
export function pickColumn(columns: ReadonlySet<string>, names: readonly string[]): string | null {
  return names.find((name) => columns.has(name)) ?? null;
}

/** A column reference for SQL, quoted. */
export const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** `alias.column AS name` when the column exists, else `NULL AS name`. */
export function selectColumn(alias: string, column: string | null, name: string): string {
  return column === null ? `NULL AS ${name}` : `${alias}.${quoteName(column)} AS ${name}`;
}

function describeValue(db: Database.Database, value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Buffer.isBuffer(value)) {
    const decoded = readBlobJson(db, value);
    if (decoded !== undefined) return decoded;
    return `<blob, ${value.length} bytes>`;
  }
  if (typeof value === 'string' && (value.startsWith('{') || value.startsWith('['))) {
    try {
      return parseJsonExact(value);
    } catch {
      return value;
    }
  }
  return value;
}

/** A row for "show raw": every column, JSON text and JSON blobs decoded, other blobs described, integers JSON-safe. */
export function describeRow(db: Database.Database, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) out[column] = describeValue(db, value);
  return out;
}

/** Below every rowid SQLite can give (rowids are signed 64-bit). */
const ROWID_MIN = -(2n ** 63n);

/** Why a row could not be read, from what reading it threw (a stack overflow on deep JSON, a failed lookup). */
export function describeRowFailure(problem: unknown): string {
  return `cannot read this row: ${problem instanceof Error ? problem.message : String(problem)}`;
}

/**
 * Runs `statement` (whose one parameter is "rowid greater than", ordered by rowid, `LIMIT
 * PAGE_ROWS`, and which selects the rowid as `row_id`) page after page, handing each row to
 * `handle`. Each page is fetched whole before its rows are handled, so no read transaction
 * stays open while the caller works. A row whose handling throws is reported to `error` as a
 * row of `table` and the next row is handled (a StoreReadAborted passes through).
 */
export function forEachRowPage(
  statement: Database.Statement,
  table: string,
  error: (problem: StoreRowError) => void,
  handle: (row: Record<string, unknown>) => void,
): void {
  statement.safeIntegers(true);
  let after: bigint = ROWID_MIN;
  for (;;) {
    const rows = statement.all(after) as Record<string, unknown>[];
    for (const row of rows) {
      try {
        handle(row);
      } catch (problem) {
        if (problem instanceof StoreReadAborted) throw problem;
        error({ table, rowid: Number(row.row_id), reason: describeRowFailure(problem) });
      }
    }
    if (rows.length < PAGE_ROWS) return;
    after = rows[rows.length - 1].row_id as bigint;
  }
}

/**
 * A JSON text (or JSONB) column as attributes: an object flattened under `prefix`, other JSON
 * whole under `prefix`, text that is not JSON as written (a row's extras are still shown).
 */
export function readJsonColumnAttributes(db: Database.Database, value: unknown, prefix: string): Attributes {
  let decoded: unknown;
  try {
    decoded = decodeJsonColumn(db, value);
  } catch {
    return { [prefix]: readText(value) ?? '' };
  }
  if (decoded === null) return {};
  if (!isJsonObject(decoded)) return { [prefix]: decoded as AttributeValue };
  const out: Attributes = {};
  for (const [key, inner] of Object.entries(flattenAttributes(decoded))) out[`${prefix}.${key}`] = inner;
  return out;
}
