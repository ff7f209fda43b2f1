/**
 * Properties of length-prefixed framing: whatever bytes it is given it never throws and always
 * makes progress once closed; every complete record comes out intact whatever bytes follow it;
 * and feeding the stream in arbitrary chunks (re-feeding the unconsumed tail, as the tailer
 * does) frames the same records as reading it whole.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameLengthPrefixed } from '../../../src/core/ingest/frame-length-prefixed';

function record(payload: Uint8Array): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(payload.length);
  return Buffer.concat([prefix, payload]);
}

/** A payload the Collector could write: empty, protobuf (starts 0x0A), or a zstd frame. */
const payload = fc.oneof(
  fc.constant(new Uint8Array(0)),
  fc.uint8Array({ maxLength: 60 }).map((rest) => Uint8Array.from([0x0a, ...rest])),
  fc.uint8Array({ maxLength: 60 }).map((rest) => Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, ...rest])),
);

const payloadsOf = (records: { payload: Buffer }[]) => records.map((r) => [...r.payload]);

describe('frameLengthPrefixed properties', () => {
  it('never throws on arbitrary bytes; consumes everything when closed, and never more than it was given', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.boolean(), (bytes, isClosed) => {
        const framed = frameLengthPrefixed(Buffer.from(bytes), 0, 1, isClosed);
        if (isClosed) expect(framed.consumedBytes).toBe(bytes.length);
        else expect(framed.consumedBytes).toBeLessThanOrEqual(bytes.length);
        let covered = 0;
        for (const r of framed.records) covered += r.lengthBytes;
        for (const e of framed.errors) covered += e.lengthBytes;
        expect(covered).toBe(framed.consumedBytes);
      }),
    );
  });

  it('keeps every complete record whatever bytes follow it', () => {
    fc.assert(
      fc.property(fc.array(payload, { maxLength: 8 }), fc.uint8Array({ maxLength: 80 }), fc.boolean(), (payloads, tail, isClosed) => {
        const bytes = Buffer.concat([...payloads.map(record), tail]);
        const framed = frameLengthPrefixed(bytes, 0, 1, isClosed);
        expect(payloadsOf(framed.records.slice(0, payloads.length))).toEqual(payloads.map((p) => [...p]));
      }),
    );
  });

  it('frames the same records when the stream arrives in arbitrary chunks', () => {
    fc.assert(
      fc.property(fc.array(payload, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 6 }), (payloads, cuts) => {
        const bytes = Buffer.concat(payloads.map(record));
        const ends = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b).concat(bytes.length);
        const seen: number[][] = [];
        let offset = 0;
        let line = 1;
        for (const end of ends) {
          if (end < offset) continue;
          const framed = frameLengthPrefixed(bytes.subarray(offset, end), offset, line, end === bytes.length);
          expect(framed.errors).toEqual([]);
          seen.push(...payloadsOf(framed.records));
          offset += framed.consumedBytes;
          line += framed.consumedLines;
        }
        expect(seen).toEqual(payloads.map((p) => [...p]));
        expect(line - 1).toBe(payloads.length);
      }),
    );
  });
});
