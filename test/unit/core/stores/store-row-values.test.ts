/**
 * JSON as run databases hold it: exact 64-bit integers, Python's non-finite floats, and JSON
 * stored as TEXT, as UTF-8 in a BLOB, or as SQLite's binary JSONB.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeJsonColumn, describeRow, parseJsonExact } from '../../../../src/core/sources/stores/store-row-values';

describe('parseJsonExact', () => {
  it.each([
    ['a safe integer stays a number', '{"a": 9007199254740991}', { a: 9007199254740991 }],
    ['an integer beyond 2^53 becomes its digits', '{"t": 1778486537123456789}', { t: '1778486537123456789' }],
    ['a negative one too', '[-1778486537123456789, 5]', ['-1778486537123456789', 5]],
    ['floats and exponents are left to JSON', '[1778486537123456789.5, 1.7e18, 0.25]', [1778486537123456789.5, 1.7e18, 0.25]],
    ['digits inside strings are kept as written', '{"s": "1778486537123456789 \\" 1778486537123456789"}', { s: '1778486537123456789 " 1778486537123456789' }],
    ['bare NaN and -Infinity become strings', '[NaN, -Infinity, 1778486537123456789]', ['NaN', '-Infinity', '1778486537123456789']],
  ])('%s', (_name, text, expected) => {
    expect(parseJsonExact(text)).toEqual(expected);
  });

  it('throws on text that is not JSON', () => {
    expect(() => parseJsonExact('{"a": ')).toThrow();
  });
});

describe('decodeJsonColumn', () => {
  const db = new Database(':memory:');
  afterAll(() => db.close());
  const value = { llm: { token_count: { prompt: 3 } }, tags: ['a', 'b'] };

  it('reads TEXT, UTF-8 in a BLOB and binary JSONB alike', () => {
    const jsonb = (db.prepare('SELECT jsonb(?) AS b').get(JSON.stringify(value)) as { b: Buffer }).b;
    expect(decodeJsonColumn(db, JSON.stringify(value))).toEqual(value);
    expect(decodeJsonColumn(db, Buffer.from(JSON.stringify(value)))).toEqual(value);
    expect(decodeJsonColumn(db, jsonb)).toEqual(value);
    expect(decodeJsonColumn(db, null)).toBeNull();
  });

  it('throws on a value that is not JSON', () => {
    expect(() => decodeJsonColumn(db, 'not json{')).toThrow();
    expect(() => decodeJsonColumn(db, Buffer.from([0xff, 0x00, 0x13, 0x37]))).toThrow();
  });

  it('describes a row for "show raw": JSON decoded, other blobs described, integers JSON-safe', () => {
    expect(
      describeRow(db, {
        id: 7n,
        start_time_unix_nano: 1778486537123456789n,
        attributes: '{"a": 1}',
        preview: '{"cut": "of',
        name: 'x',
        password_hash: Buffer.from([0xff, 0x00, 0x13, 0x37]),
      }),
    ).toEqual({ id: 7, start_time_unix_nano: '1778486537123456789', attributes: { a: 1 }, preview: '{"cut": "of', name: 'x', password_hash: '<blob, 4 bytes>' });
  });
});
