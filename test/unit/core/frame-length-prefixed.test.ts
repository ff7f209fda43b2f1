/**
 * Framing of the Collector's length-prefixed records: whole, concatenated, empty, cut short
 * (pending while the file may grow, an error once closed), and corrupt (reported with its
 * offset, then framing resyncs).
 */
import { describe, expect, it } from 'vitest';
import {
  frameLengthPrefixed,
  frameLengthPrefixedRecords,
  isLengthPrefixedHead,
  MAX_RECORD_BYTES,
  readLengthPrefixedPayload,
} from '../../../src/core/ingest/frame-length-prefixed';

/** A record: 4-byte big-endian length, then the payload. */
function record(payload: number[] | Buffer): Buffer {
  const body = Buffer.from(payload);
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(body.length);
  return Buffer.concat([prefix, body]);
}

/** A payload that looks like a protobuf request (field 1, length-delimited). */
const proto = (size: number) => [0x0a, ...Array.from({ length: size - 1 }, (_, i) => (i * 7) & 0xff)];

const summary = (framed: ReturnType<typeof frameLengthPrefixed>) => ({
  records: framed.records.map((r) => [r.offset, r.lengthBytes, r.line]),
  errors: framed.errors.map((e) => [e.offset, e.lengthBytes, e.line]),
  consumedBytes: framed.consumedBytes,
  consumedLines: framed.consumedLines,
  pendingBytes: framed.pendingBytes,
});

describe('frameLengthPrefixed', () => {
  it('frames nothing in an empty input', () => {
    for (const isClosed of [true, false]) {
      expect(summary(frameLengthPrefixed(Buffer.alloc(0), 0, 1, isClosed))).toEqual({ records: [], errors: [], consumedBytes: 0, consumedLines: 0, pendingBytes: 0 });
    }
  });

  it('frames concatenated records with absolute offsets and ordinals', () => {
    const bytes = Buffer.concat([record(proto(10)), record(proto(3)), record([])]);
    const framed = frameLengthPrefixed(bytes, 1000, 7, false);
    expect(summary(framed)).toEqual({
      records: [
        [1000, 14, 7],
        [1014, 7, 8],
        [1021, 4, 9],
      ],
      errors: [],
      consumedBytes: 25,
      consumedLines: 3,
      pendingBytes: 0,
    });
    expect([...framed.records[1].payload]).toEqual(proto(3));
    expect(framed.records[2].payload.length).toBe(0);
  });

  it('accepts protobuf, zstd and JSON payloads', () => {
    const bytes = Buffer.concat([record(proto(5)), record([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x00]), record(Buffer.from('{"resourceSpans":[]}'))]);
    expect(frameLengthPrefixed(bytes, 0, 1, true).records).toHaveLength(3);
  });

  it('leaves a record cut short pending while the file may grow, and reports it once closed', () => {
    const whole = record(proto(20));
    const cases: [string, Buffer, number][] = [
      ['cut in its payload', whole.subarray(0, 10), 24],
      ['cut after its prefix', whole.subarray(0, 4), 24],
      ['cut in its prefix', whole.subarray(0, 2), 0],
    ];
    for (const [what, tail, pendingBytes] of cases) {
      const bytes = Buffer.concat([record(proto(5)), tail]);
      const open = frameLengthPrefixed(bytes, 0, 1, false);
      expect(summary(open), what).toEqual({ records: [[0, 9, 1]], errors: [], consumedBytes: 9, consumedLines: 1, pendingBytes });
      const closed = frameLengthPrefixed(bytes, 0, 1, true);
      expect(summary(closed), what).toEqual({ records: [[0, 9, 1]], errors: [[9, tail.length, 2]], consumedBytes: bytes.length, consumedLines: 2, pendingBytes: 0 });
      expect(closed.errors[0].reason, what).toMatch(/^a record cut short/);
    }
  });

  it('reports an absurd length with its offset and resyncs at the next record', () => {
    const junk = Buffer.from([0xff, 0xff, 0xff, 0xf0, 0x01, 0x02, 0x03]);
    const bytes = Buffer.concat([record(proto(5)), junk, record(proto(6)), record(proto(4))]);
    for (const isClosed of [true, false]) {
      const framed = frameLengthPrefixed(bytes, 50, 1, isClosed);
      expect(summary(framed)).toEqual({
        records: [
          [50, 9, 1],
          [66, 10, 3],
          [76, 8, 4],
        ],
        errors: [[59, 7, 2]],
        consumedBytes: bytes.length,
        consumedLines: 4,
        pendingBytes: 0,
      });
      expect(framed.errors[0].reason).toContain(`${0xfffffff0} bytes`);
      expect(framed.errors[0].excerpt).toBe('ff ff ff f0 01 02 03');
    }
  });

  it('treats a record whose payload is neither protobuf, zstd nor JSON as corrupt', () => {
    const bytes = Buffer.concat([record([0x55, 0x66, 0x77]), record(proto(3))]);
    const framed = frameLengthPrefixed(bytes, 0, 1, true);
    expect(summary(framed).records).toEqual([[7, 7, 2]]);
    expect(framed.errors[0]).toMatchObject({ offset: 0, lengthBytes: 7, reason: 'a record whose payload is neither protobuf, zstd nor JSON' });
  });

  it('stops cleanly in corrupt bytes with no record after them', () => {
    const bytes = Buffer.concat([record(proto(3)), Buffer.alloc(40, 0xee)]);
    const closed = frameLengthPrefixed(bytes, 0, 1, true);
    expect(summary(closed)).toMatchObject({ records: [[0, 7, 1]], errors: [[7, 40, 2]], consumedBytes: bytes.length });
    // Open: the bad region is reported up to the bytes that cannot be judged yet.
    const open = frameLengthPrefixed(bytes, 0, 1, false);
    expect(open.consumedBytes).toBeGreaterThan(7);
    expect(open.consumedBytes).toBeLessThan(bytes.length);
    expect(open.errors).toHaveLength(1);
  });

  it('honours a smaller record limit', () => {
    const bytes = Buffer.concat([record(proto(100)), record(proto(5))]);
    const framed = frameLengthPrefixed(bytes, 0, 1, true, undefined, 50);
    expect(framed.errors[0]).toMatchObject({ offset: 0 });
    expect(framed.records.map((r) => r.offset)).toEqual([104]);
  });
});

describe('isLengthPrefixedHead', () => {
  const cases: [string, number[] | string, boolean][] = [
    ['a JSON line', '{"resourceSpans":[]}', false],
    ['a blank line then JSON', '\n{}', false],
    ['a BOM', '\ufeff{}', false],
    ['a protobuf record', [0, 0, 1, 0, 0x0a, 0x20], true],
    ['a zstd record', [0, 0, 0, 20, 0x28, 0xb5, 0x2f, 0xfd], true],
    ['an empty record', [0, 0, 0, 0], true],
    ['the first bytes of a prefix only', [0, 0], true],
    ['a length with an unknown payload', [0, 0, 0, 9, 0x55], false],
    ['gzip', [0x1f, 0x8b, 0x08, 0x00, 0x00], false],
    ['a whole-file zstd stream (text-looking first byte)', [0x28, 0xb5, 0x2f, 0xfd], false],
    ['nothing', [], false],
  ];
  for (const [what, head, expected] of cases) {
    it(what, () => expect(isLengthPrefixedHead(typeof head === 'string' ? Buffer.from(head) : Buffer.from(head))).toBe(expected));
  }
  it('refuses a length above the limit', () => {
    const head = Buffer.alloc(5);
    head.writeUInt32BE(MAX_RECORD_BYTES + 1);
    head[4] = 0x0a;
    expect(isLengthPrefixedHead(head)).toBe(false);
  });
});

describe('readLengthPrefixedPayload', () => {
  it('returns the payload of exactly one record, and null for anything else', () => {
    expect([...readLengthPrefixedPayload(record(proto(4)))!]).toEqual(proto(4));
    expect(readLengthPrefixedPayload(Buffer.from('{"a":1}'))).toBeNull();
    expect(readLengthPrefixedPayload(record(proto(4)).subarray(0, 6))).toBeNull();
    expect(readLengthPrefixedPayload(Buffer.alloc(2))).toBeNull();
  });
});

describe('frameLengthPrefixedRecords', () => {
  it('decodes each payload and turns one that does not decode into an error, going on after it', () => {
    const json = Buffer.from('{"resourceSpans":[]}');
    const bytes = Buffer.concat([record(json), record([0x0a, 0xff, 0xff]), record([])]);
    const seen: [number, string][] = [];
    const framed = frameLengthPrefixedRecords(bytes, 10, 1, true, (r, encoding) => seen.push([r.offset, encoding]));
    expect(seen).toEqual([
      [10, 'json'],
      [41, 'proto'],
    ]);
    expect(framed.errors).toHaveLength(1);
    expect(framed.errors[0]).toMatchObject({ offset: 34, lengthBytes: 7, line: 2 });
    expect(framed.errors[0].reason).toMatch(/^not a protobuf OTLP trace request/);
    expect(framed).toMatchObject({ consumedBytes: bytes.length, consumedLines: 3 });
  });
});
