/**
 * Properties of framing with Node util.inspect text about: whatever inspect-looking garbage
 * lies between them and wherever the chunks are cut, framing never throws and every complete
 * JSON record, and every real inspect record, comes out intact and in order.
 */
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameJsonRecords } from '../../../src/core/ingest/frame-json-records';

/** JSON-safe form for comparing: -0 is 0 (inspect and JSON agree on nothing else to normalise here). */
const normalize = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_key, v) => (Object.is(v, -0) ? 0 : v)));

const jsonRecord = fc.record({
  name: fc.string({ maxLength: 12 }),
  n: fc.integer(),
  nested: fc.array(fc.record({ s: fc.string({ maxLength: 8 }), b: fc.boolean() }), { maxLength: 3 }),
});

// What inspect prints and near misses: placeholders, quotes of each kind, continuations, Map arrows.
// No lone `[` or `]` and no backslash: a JSON array opened on a noise line, or a `"…\` at a line
// end, makes the JSON scanner swallow the lines after it (its limits, not this test's subject).
const token = fc.constantFrom('{', '}', "'", '`', '"', ':', ',', ' ', 'a', 'key:', '1', '1n', '[Object]', '[ 1 ]', 'undefined', ' +', ' => ', '...', '<ref *1>', 'Map(1) ', 'x y');
const garbageLine = fc.array(token, { maxLength: 10 }).map((parts) => parts.join(''));
/** Garbage that starts like an inspect record (`{` at column 0); its later lines are indented or not. */
const garbage = fc
  .tuple(garbageLine, fc.array(fc.tuple(fc.boolean(), garbageLine), { maxLength: 5 }), fc.boolean())
  .map(([first, rest, isClosed]) => [`{${first}`, ...rest.map(([isIndented, line]) => (isIndented ? `  ${line}` : line)), ...(isClosed ? ['}'] : [])].join('\n'));

const json = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 30 }), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 8 }),
  object: fc.dictionary(fc.string({ maxLength: 8 }), tie('value'), { maxKeys: 5 }),
})).value;
// A top-level key holding a single quote prints double-quoted, like JSON: such a record is framed
// by the JSON scanner (one-line ones still read), so top-level keys here hold none.
const topKey = fc.string({ maxLength: 8 }).filter((key) => !key.includes("'"));
const inspectRecord = fc
  .tuple(fc.dictionary(topKey, json, { minKeys: 1, maxKeys: 6, noNullPrototype: true }), fc.integer({ min: 30, max: 160 }))
  .map(([value, breakLength]) => ({ value, text: inspect(value, { depth: Infinity, breakLength }) }));

type Item = { kind: 'json'; value: unknown; text: string } | { kind: 'inspect'; value: unknown; text: string } | { kind: 'garbage'; text: string };
const item: fc.Arbitrary<Item> = fc.oneof(
  fc.tuple(jsonRecord, fc.boolean()).map(([value, isPretty]): Item => ({ kind: 'json', value, text: JSON.stringify(value, null, isPretty ? 4 : undefined) })),
  inspectRecord.map(({ value, text }): Item => ({ kind: 'inspect', value, text })),
  garbage.map((text): Item => ({ kind: 'garbage', text })),
);
const stream = fc.tuple(fc.array(item, { maxLength: 8 }), fc.boolean()).map(([items, isCrlf]) => {
  const eol = isCrlf ? '\r\n' : '\n';
  return { items, text: items.map((i) => `${i.text.replace(/\n/g, eol)}${eol}`).join('') };
});

/** True when `wanted` appear in `values` in order, other values allowed in between. */
function isSubsequence(wanted: unknown[], values: unknown[]): boolean {
  let at = 0;
  for (const value of values) {
    if (at < wanted.length && JSON.stringify(value) === JSON.stringify(wanted[at])) at++;
  }
  return at === wanted.length;
}

function frameInChunks(bytes: Buffer, cuts: number[]): unknown[] {
  const ends = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b).concat(bytes.length);
  const values: unknown[] = [];
  let offset = 0;
  let line = 1;
  for (const end of ends) {
    if (end < offset) continue;
    const framed = frameJsonRecords(bytes.subarray(offset, end), offset, line, end === bytes.length);
    values.push(...framed.records.map((r) => r.value));
    offset += framed.consumedBytes;
    line += framed.consumedLines;
  }
  return values;
}

describe('frameJsonRecords properties with Node inspect text', () => {
  it('never throws, consumes everything when final, and keeps every JSON and inspect record in order', () => {
    fc.assert(
      fc.property(stream, ({ items, text }) => {
        const result = frameJsonRecords(Buffer.from(text), 0, 1, true);
        expect(result.consumedBytes).toBe(Buffer.byteLength(text));
        const wanted = items.filter((i) => i.kind !== 'garbage').map((i) => normalize((i as { value: unknown }).value));
        const values = result.records.map((r) => normalize(r.value));
        expect(isSubsequence(wanted, values), text).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('frames the same records when the stream arrives in arbitrary chunks', () => {
    fc.assert(
      fc.property(stream, fc.array(fc.nat(), { maxLength: 6 }), ({ text }, cuts) => {
        const bytes = Buffer.from(text);
        const whole = frameJsonRecords(bytes, 0, 1, true).records.map((r) => r.value);
        expect(frameInChunks(bytes, cuts)).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });
});
