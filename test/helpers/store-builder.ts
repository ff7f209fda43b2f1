/**
 * Run databases for tests: each store is written by a fixture's `build` in a folder of its own
 * (a store may keep files beside it, as MLflow's artifacts), closed before anyone reads it,
 * and removed after the test file; and a reader's whole output collected.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { StoreReader, StoreRowError, StoreSpan } from '../../src/core/sources/stores/store-reader';
import { makeTempDir } from './temp-dir';

export type BuildStore = (db: Database.Database) => void;

/** A function that writes a new store with `build` and returns its path (`fileName` in a fresh folder). */
export function useStoreBuilder(prefix: string): (build: BuildStore, fileName?: string) => string {
  const temp = makeTempDir(prefix);
  afterAll(() => temp.remove());
  let count = 0;
  return (build, fileName = 'store.db') => {
    const folder = join(temp.path, `store-${++count}`);
    mkdirSync(folder);
    const path = join(folder, fileName);
    const writer = new Database(path);
    build(writer);
    writer.close();
    return path;
  };
}

/** Every span and row error `reader` reports for the store. */
export function readWholeStore(reader: StoreReader, db: Database.Database): { spans: StoreSpan[]; errors: StoreRowError[] } {
  const spans: StoreSpan[] = [];
  const errors: StoreRowError[] = [];
  reader.readAll(db, (span) => spans.push(span), (error) => errors.push(error));
  return { spans, errors };
}
