/**
 * Properties of CSV framing: whatever the bytes, framing never throws and, when final, consumes
 * everything; whatever a field holds (commas, quotes, line breaks) and however the stream is
 * cut, quoting it as Langfuse does and framing it gives the rows back, each readable alone at
 * its offset.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findLastCsvRowEnd, frameCsvRecords, parseCsvRecord } from '../../../src/core/ingest/frame-csv-records';

const HEADER = ['id', 'name', 'input'];
/** Field text with the characters that matter to CSV well represented. */
const text = fc.string({ unit: fc.constantFrom('a', 'é', ',', '"', '\n', '\r\n', ' ', '{', '1'), maxLength: 12 });
/** A field's text, and whether to write it bare when CSV allows (so quotes inside bare fields occur: `5" screen`). */
const field = fc.tuple(text, fc.boolean());
const row = fc.tuple(field, field, field);

const quote = (text: string) => `"${text.replace(/"/g, '""')}"`;
/** A field reads back bare unless it starts with a quote or holds a delimiter or a CR (a CR before the line break is dropped). */
const canBeBare = (text: string) => !text.startsWith('"') && !/[,\n\r]/.test(text);
const write = ([text, isBare]: [string, boolean]) => (isBare && canBeBare(text) ? text : quote(text));
const toCsv = (rows: [string, boolean][][], newline: string, hasBom: boolean) =>
  `${hasBom ? '\uFEFF' : ''}${[HEADER.map(quote), ...rows.map((fields) => fields.map(write))].map((fields) => fields.join(',')).join(newline)}${newline}`;
const toValue = (fields: [string, boolean][]) => Object.fromEntries(HEADER.map((key, i) => [key, fields[i][0]]));

describe('frameCsvRecords properties', () => {
  it('never throws on arbitrary bytes, and always makes progress when final', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.option(fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 })), (bytes, header) => {
        const result = frameCsvRecords(Buffer.from(bytes), 0, 1, true, header);
        expect(result.consumedBytes).toBe(bytes.length);
        expect(() => frameCsvRecords(Buffer.from(bytes), 7, 2, false, header)).not.toThrow();
      }),
    );
  });

  it('gives every row back, each readable alone at its offset', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 8 }), fc.constantFrom('\n', '\r\n'), fc.boolean(), (rows, newline, hasBom) => {
        const bytes = Buffer.from(toCsv(rows, newline, hasBom));
        const result = frameCsvRecords(bytes, 0, 1, true, null);
        expect(result.errors).toEqual([]);
        expect(result.records.map((r) => r.value)).toEqual(rows.map(toValue));
        for (const record of result.records) {
          expect(parseCsvRecord(bytes.subarray(record.offset, record.offset + record.lengthBytes), HEADER)).toEqual(record.value);
        }
      }),
    );
  });

  it('frames the same rows when the stream arrives in arbitrary chunks', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 6 }), (rows, cuts) => {
        const bytes = Buffer.from(toCsv(rows, '\n', false));
        const ends = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b).concat(bytes.length);
        const values: unknown[] = [];
        let offset = 0;
        let line = 1;
        for (const end of ends) {
          if (end < offset) continue;
          const framed = frameCsvRecords(bytes.subarray(offset, end), offset, line, end === bytes.length, HEADER);
          values.push(...framed.records.map((r) => r.value));
          offset += framed.consumedBytes;
          line += framed.consumedLines;
        }
        expect(values).toEqual(rows.map(toValue));
        expect(line).toBe(bytes.toString().split('\n').length);
      }),
    );
  });

  it('cuts only at row boundaries, as the tailer does', () => {
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 4 }), fc.boolean(), (rows, reads, hasBom) => {
        const bytes = Buffer.from(toCsv(rows, '\r\n', hasBom));
        // Every row end: the cut must be the last one in the window, never inside a row, and
        // never missing (the tailer would widen its window to the rest of the file).
        const whole = frameCsvRecords(bytes, 0, 1, true, null);
        const rowEnds = [bytes.indexOf('\r\n') + 2, ...whole.records.map((r) => r.offset + r.lengthBytes + 2)];
        const values: unknown[] = [];
        let offset = 0;
        for (const read of [...reads, bytes.length]) {
          const length = Math.min(bytes.length - offset, 1 + (read % 40));
          const chunk = bytes.subarray(offset, offset + length);
          const cut = findLastCsvRowEnd(chunk, chunk.length);
          const expected = rowEnds.filter((end) => end > offset && end <= offset + length).at(-1);
          expect(cut).toBe(expected === undefined ? -1 : expected - offset);
          if (cut <= 0) continue;
          const framed = frameCsvRecords(chunk.subarray(0, cut), offset, 1, true, HEADER);
          expect(framed.errors).toEqual([]);
          values.push(...framed.records.map((r) => r.value));
          offset += cut;
        }
        const rest = frameCsvRecords(bytes.subarray(offset), offset, 1, true, HEADER);
        values.push(...rest.records.map((r) => r.value));
        expect(values).toEqual(rows.map(toValue));
      }),
    );
  });
});
