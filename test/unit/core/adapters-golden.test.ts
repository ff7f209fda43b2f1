/**
 * Golden tests: each fixture in test/fixtures/<format>/ is framed and adapted exactly as the
 * engine does, and the normalized spans must equal the hand-derived NAME.expected.json
 * (BigInt nanoseconds written as decimal strings).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLangfuseCsvHeader } from '../../../src/core/ingest/adapt-langfuse';
import { adaptRecord } from '../../../src/core/ingest/adapt-record';
import { frameCsvRecords } from '../../../src/core/ingest/frame-csv-records';
import { frameJsonRecords } from '../../../src/core/ingest/frame-json-records';
import type { FormatName, NormalizedSpan } from '../../../src/core/ingest/normalized-span';

const FIXTURES = join(__dirname, '../../fixtures');

function toJson(span: NormalizedSpan): unknown {
  return JSON.parse(JSON.stringify(span, (_key, value) => (typeof value === 'bigint' ? value.toString() : value)));
}

/** Frames a whole file as the tailer does at its end (isFinal), as CSV when its header says so, and adapts every record. */
function readFixture(path: string): { spans: unknown[]; formats: Set<FormatName> } {
  const bytes = readFileSync(path);
  const csvHeader = readLangfuseCsvHeader(bytes, true);
  const framed = Array.isArray(csvHeader) ? frameCsvRecords(bytes, 0, 1, true, csvHeader) : frameJsonRecords(bytes, 0, 1, true);
  const spans: unknown[] = [];
  const formats = new Set<FormatName>();
  for (const record of framed.records) {
    const result = adaptRecord(record.value);
    if (!result.isTrace) continue;
    formats.add(result.format);
    spans.push(...result.spans.map(toJson));
  }
  return { spans, formats };
}

/** Every format with its fixture folder, and how many fixtures it must at least have. */
const FORMATS: [FormatName, number][] = [
  ['otel-console', 6],
  ['otlp-json', 6],
  ['otel-js', 2],
  ['otel-js-console', 5],
  ['jaeger', 3],
  ['zipkin', 2],
  ['phoenix', 2],
  ['mlflow', 3],
  ['kitelogik-spans', 2],
  ['langfuse', 10],
  ['typed-agent', 2],
];

for (const [format, minimum] of FORMATS) {
  describe(`${format} golden fixtures`, () => {
    const inputs = readdirSync(join(FIXTURES, format)).filter((name) => /\.(jsonl?|log|csv)$/.test(name) && !name.endsWith('.expected.json')).sort();
    it('has fixtures', () => expect(inputs.length).toBeGreaterThanOrEqual(minimum));
    for (const name of inputs) {
      it(name, () => {
        const expected = JSON.parse(readFileSync(join(FIXTURES, format, name.replace(/\.(jsonl?|log|csv)$/, '.expected.json')), 'utf8'));
        const { spans, formats } = readFixture(join(FIXTURES, format, name));
        expect(spans).toEqual(expected);
        expect([...formats]).toEqual(spans.length > 0 ? [format] : []);
      });
    }
  });
}
