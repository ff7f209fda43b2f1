/**
 * Golden tests for run-database readers. Each test/fixtures/stores/<format>/NAME.build.ts
 * exports `build(db)`, which writes a store the way its system does (its real DDL, rows as
 * the system stores them). The test builds it in a temp folder, opens it read-only as the
 * engine does, and the spans and row errors read must equal the hand-derived
 * NAME.expected.json: `{ spans: [{ pointer, span }], errors: [...] }` (BigInt nanoseconds as
 * decimal strings). Every span must also read back alone from its pointer, unchanged.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../src/core/sources/stores/open-store';
import type { StoreFormat } from '../../../src/core/sources/stores/store-reader';
import { type BuildStore, readWholeStore, useStoreBuilder } from '../../helpers/store-builder';

const FIXTURES = join(__dirname, '../../fixtures/stores');

const toJson = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_key, field) => (typeof field === 'bigint' ? field.toString() : field)));

/** Every store with its fixture folder, and how many fixtures it must at least have. */
const STORES: [StoreFormat, number][] = [['phoenix-db', 2], ['mlflow-db', 2], ['kitaru-db', 3], ['kitelogik-audit-db', 1], ['kavalai-db', 3], ['kavalai-tasklog-db', 2]];

const makeStorePath = useStoreBuilder('tracelight-stores-');

for (const [format, minimum] of STORES) {
  describe(`${format} golden stores`, () => {
    const builds = readdirSync(join(FIXTURES, format)).filter((name) => name.endsWith('.build.ts')).sort();
    it('has fixtures', () => expect(builds.length).toBeGreaterThanOrEqual(minimum));
    for (const name of builds) {
      it(name, async () => {
        const stem = name.replace(/\.build\.ts$/, '');
        const { build } = (await import(join(FIXTURES, format, name))) as { build: BuildStore };
        const path = makeStorePath(build);

        const opened = openStore(path);
        if (!opened.ok) throw new Error(opened.reason);
        try {
          expect(opened.reader.format).toBe(format);
          const { spans, errors } = readWholeStore(opened.reader, opened.db);
          const expected = JSON.parse(readFileSync(join(FIXTURES, format, `${stem}.expected.json`), 'utf8'));
          expect(toJson({ spans, errors })).toEqual(expected);
          for (const { span, pointer } of spans) {
            expect(opened.reader.tables).toContain(pointer.table);
            expect(toJson(opened.reader.readOne(opened.db, pointer)?.span)).toEqual(toJson(span));
          }
        } finally {
          opened.db.close();
        }
      });
    }
  });
}
