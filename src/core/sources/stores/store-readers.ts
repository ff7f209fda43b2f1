/**
 * Every run-database reader, in FORMATS.md §1's order: the first whose `matches` accepts a
 * store's table set reads it.
 */
import type { StoreReader } from './store-reader';

export const STORE_READERS: readonly StoreReader[] = [];

/** The reader for a store with these tables (names lower-cased), or null for an unknown schema. */
export function findStoreReader(tables: ReadonlySet<string>): StoreReader | null {
  return STORE_READERS.find((reader) => reader.matches(tables)) ?? null;
}
