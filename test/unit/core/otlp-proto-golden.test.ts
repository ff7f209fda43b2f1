/**
 * Golden tests for the Collector's binary output: each NAME.bin in test/fixtures/otlp-proto/
 * (built by make-fixtures.ts) is framed, decoded and adapted exactly as the engine does, and
 * the normalized spans must equal the hand-derived NAME.expected.json.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { adaptRecord } from '../../../src/core/ingest/adapt-record';
import { describePayloadFormat } from '../../../src/core/ingest/decode-otlp-proto';
import { frameLengthPrefixedRecords } from '../../../src/core/ingest/frame-length-prefixed';
import type { NormalizedSpan } from '../../../src/core/ingest/normalized-span';
import { encodeRequestProto, lengthPrefixed, REQUESTS } from '../../fixtures/otlp-proto/make-fixtures';

const FOLDER = join(__dirname, '../../fixtures/otlp-proto');

function toJson(span: NormalizedSpan): unknown {
  return JSON.parse(JSON.stringify(span, (_key, value) => (typeof value === 'bigint' ? value.toString() : value)));
}

/** Frames a whole file as the tailer does once it is read to its end, and adapts every record. */
function readFixture(path: string) {
  const spans: unknown[] = [];
  const formats = new Set<string>();
  const framed = frameLengthPrefixedRecords(readFileSync(path), 0, 1, true, (record, encoding) => {
    const result = adaptRecord(record.value);
    if (!result.isTrace) throw new Error('a record that is not a trace');
    formats.add(describePayloadFormat(result.format, encoding));
    spans.push(...result.spans.map(toJson));
  });
  return { spans, formats: [...formats], errors: framed.errors };
}

const EXPECTED_FORMATS: Record<string, { formats: string[]; errors: number }> = {
  'collector-proto.bin': { formats: ['otlp-proto'], errors: 0 },
  'collector-proto-zstd.bin': { formats: ['otlp-proto+zstd'], errors: 0 },
  'collector-json-zstd.bin': { formats: ['otlp-json+zstd'], errors: 0 },
  'truncated-tail.bin': { formats: ['otlp-proto'], errors: 1 },
};

describe('otlp-proto golden fixtures', () => {
  const inputs = readdirSync(FOLDER).filter((name) => name.endsWith('.bin')).sort();
  it('has a fixture for each encoding', () => expect(inputs).toEqual(Object.keys(EXPECTED_FORMATS).sort()));
  for (const name of inputs) {
    it(name, () => {
      const expected = JSON.parse(readFileSync(join(FOLDER, name.replace(/\.bin$/, '.expected.json')), 'utf8'));
      const { spans, formats, errors } = readFixture(join(FOLDER, name));
      expect(spans).toEqual(expected);
      expect(formats).toEqual(EXPECTED_FORMATS[name].formats);
      expect(errors).toHaveLength(EXPECTED_FORMATS[name].errors);
    });
  }

  it('matches what make-fixtures.ts encodes today (protobuf is deterministic)', () => {
    expect(readFileSync(join(FOLDER, 'collector-proto.bin')).equals(Buffer.concat(REQUESTS.map(encodeRequestProto).map(lengthPrefixed)))).toBe(true);
  });
});
