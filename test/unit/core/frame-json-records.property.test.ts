/**
 * Properties of framing: whatever noise surrounds them and wherever the chunks are cut,
 * framing never throws and every complete record on its own line comes out intact.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameJsonRecords } from '../../../src/core/ingest/frame-json-records';

const record = fc.record({
  name: fc.string({ maxLength: 20 }),
  n: fc.integer(),
  nested: fc.array(fc.record({ s: fc.string({ maxLength: 8 }), b: fc.boolean() }), { maxLength: 3 }),
});

// Noise never starts with a brace or bracket (it would be a broken record, not noise) and has no newline.
const noise = fc.string({ maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, ' ').replace(/^[\s{[]+/, '') || 'noise');

describe('frameJsonRecords properties', () => {
  it('never throws on arbitrary bytes, and always makes progress when final', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        const result = frameJsonRecords(Buffer.from(bytes), 0, 1, true);
        expect(result.consumedBytes).toBe(bytes.length);
      }),
    );
  });

  it('keeps every record, compact or pretty, whatever noise lines lie between them', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(record, fc.boolean(), fc.option(noise)), { maxLength: 8 }), (items) => {
        const text = items
          .map(([value, isPretty, junk]) => `${junk === null ? '' : `${junk}\n`}${JSON.stringify(value, null, isPretty ? 4 : undefined)}\n`)
          .join('');
        const result = frameJsonRecords(Buffer.from(text), 0, 1, true);
        expect(result.records.map((r) => r.value)).toEqual(items.map(([value]) => value));
      }),
    );
  });

  it('frames the same records when the stream arrives in arbitrary chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(record, fc.boolean()), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 6 }), (items, cuts) => {
        const bytes = Buffer.from(items.map(([value, isPretty]) => `${JSON.stringify(value, null, isPretty ? 4 : undefined)}\n`).join(''));
        const ends = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b).concat(bytes.length);
        const values: unknown[] = [];
        let offset = 0;
        let line = 1;
        for (const end of ends) {
          if (end < offset) continue;
          const isFinal = end === bytes.length;
          const framed = frameJsonRecords(bytes.subarray(offset, end), offset, line, isFinal);
          values.push(...framed.records.map((r) => r.value));
          offset += framed.consumedBytes;
          line += framed.consumedLines;
        }
        expect(values).toEqual(items.map(([value]) => value));
      }),
    );
  });
});
