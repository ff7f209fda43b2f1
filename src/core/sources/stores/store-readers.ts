/**
 * Every run-database reader, in FORMATS.md §1's order: the first whose `matches` accepts a
 * store's table set reads it.
 */
import { mlflowStoreReader } from './read-mlflow-store';
import { phoenixStoreReader } from './read-phoenix-store';
import { kitaruStoreReader } from './read-kitaru-store';
import { kitelogikAuditStoreReader } from './read-kitelogik-audit-store';
import { kavalaiStoreReader } from './read-kavalai-store';
import { kavalaiTasklogStoreReader } from './read-kavalai-tasklog-store';
import type { StoreReader } from './store-reader';

// kavalai's ORM table set before the task logger's "only tasks and model_call_stats".
export const STORE_READERS: readonly StoreReader[] = [
  phoenixStoreReader,
  mlflowStoreReader,
  kitelogikAuditStoreReader,
  kavalaiStoreReader,
  kavalaiTasklogStoreReader,
  kitaruStoreReader,
];

/**
 * The first reader whose tables the store has (names lower-cased) and, when it names some,
 * whose identifying columns it has too (`hasColumns` looks them up); null for an unknown schema.
 */
export function findStoreReader(tables: ReadonlySet<string>, hasColumns: (reader: StoreReader) => boolean = () => true): StoreReader | null {
  return STORE_READERS.find((reader) => reader.matches(tables) && hasColumns(reader)) ?? null;
}
