/**
 * Framing of Node util.inspect records (OTel-JS's ConsoleSpanExporter output) among JSON
 * records and noise: each becomes a record with its exact offset, length and line, and reads
 * back the same way through parseRecordText.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { frameJsonRecords, parseRecordText } from '../../../src/core/ingest/frame-json-records';

// As console.dir(info, { depth: 3 }) prints a small span: multi-line, `{` and `}` at column 0.
const SPAN = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  parentId: undefined,
  name: 'chat',
  id: '00f067aa0ba902b7',
  kind: 2,
  timestamp: 1778486540250123.5,
  duration: 812.25,
  attributes: { 'gen_ai.request.model': 'gpt-4o', note: 'a } at column 0?\n} no: escaped', quote: `it's "x"` },
  status: { code: 0 },
  events: [],
};
const SPAN_TEXT = inspect(SPAN, { depth: 3 });
const SPAN_VALUE = { ...SPAN, parentId: null };

function frame(text: string, isFinal = true) {
  return frameJsonRecords(Buffer.from(text, 'utf8'), 0, 1, isFinal);
}

describe('frameJsonRecords with Node inspect records', () => {
  it('is multi-line output as the exporter prints it', () => {
    expect(SPAN_TEXT.startsWith('{\n')).toBe(true);
    expect(SPAN_TEXT.endsWith('\n}')).toBe(true);
  });

  const cases: { name: string; text: string; values: unknown[]; lines: number[]; errors: string[] }[] = [
    { name: 'one inspect record', text: `${SPAN_TEXT}\n`, values: [SPAN_VALUE], lines: [1], errors: [] },
    {
      name: 'between JSON records and noise',
      text: `{"a":1}\nServer listening on :3000\n${SPAN_TEXT}\n{"b":2}\n${SPAN_TEXT}\n`,
      values: [{ a: 1 }, SPAN_VALUE, { b: 2 }, SPAN_VALUE],
      lines: [1, 3, 19, 20],
      errors: ['not JSON'],
    },
    { name: 'a one-line inspect record', text: "{ level: 'info', msg: 'ready' }\n{\"a\":1}\n", values: [{ level: 'info', msg: 'ready' }, { a: 1 }], lines: [1, 2], errors: [] },
    { name: 'CRLF line ends', text: `${SPAN_TEXT.replace(/\n/g, '\r\n')}\r\n{"a":1}\r\n`, values: [SPAN_VALUE, { a: 1 }], lines: [1, 17], errors: [] },
    {
      name: 'a record cut off by the next one',
      text: `${SPAN_TEXT.split('\n').slice(0, 5).join('\n')}\n${SPAN_TEXT}\n`,
      values: [SPAN_VALUE],
      lines: [6],
      errors: ['incomplete record: a new record starts'],
    },
    {
      name: 'a record cut off, then noise, then JSON',
      text: `${SPAN_TEXT.split('\n').slice(0, 5).join('\n')}\nrestarted\n{"a":1}\n`,
      values: [{ a: 1 }],
      lines: [7],
      errors: ['incomplete record: a new record starts', 'not JSON'],
    },
    { name: 'a broken inspect record', text: "{\n  a: 'x',\n  b: y z\n}\n{\"a\":1}\n", values: [{ a: 1 }], lines: [5], errors: ['not JSON, nor readable Node inspect output'] },
    { name: 'a one-line record that is neither', text: '{ not an object }\n{"a":1}\n', values: [{ a: 1 }], lines: [2], errors: ['invalid JSON'] },
    {
      // Node <= 11 put the first entry on the brace's line and closed the brace on the last one.
      name: 'the Node 10 layout, framed by the JSON scanner',
      text: "{ id: 'a',\n  name: 'say \"hi\"',\n  events: [ { name: 'x', attributes: [Object] } ] }\n{\"a\":1}\n",
      values: [{ id: 'a', name: 'say "hi"', events: [{ name: 'x', attributes: '[Object]' }] }, { a: 1 }],
      lines: [1, 4],
      errors: [],
    },
    { name: 'a first key holding a quote, framed by the JSON scanner', text: `{ "it's": 'x' }\n`, values: [{ "it's": 'x' }], lines: [1], errors: [] },
    { name: 'pretty JSON with NaN still reads as JSON', text: '{\n    "a": NaN\n}\n', values: [{ a: 'NaN' }], lines: [1], errors: [] },
    { name: 'a truncated tail at the end of the file', text: `${SPAN_TEXT}\n${SPAN_TEXT.slice(0, 60)}`, values: [SPAN_VALUE], lines: [1], errors: ['incomplete record at end of file'] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = frame(c.text);
      expect(result.records.map((r) => r.value)).toEqual(c.values);
      expect(result.records.map((r) => r.line)).toEqual(c.lines);
      expect(result.errors.map((e, i) => e.reason.slice(0, c.errors[i]?.length ?? 0))).toEqual(c.errors);
      expect(result.consumedBytes).toBe(Buffer.byteLength(c.text));
    });
  }

  it('gives each record its exact bytes, which read back to the same value', () => {
    const text = `noise é\n${SPAN_TEXT}\r\n{"é":1}\n{ a: 'é' }\n`;
    const bytes = Buffer.from(text);
    const result = frameJsonRecords(bytes, 500, 7, true);
    expect(result.records).toHaveLength(3);
    for (const record of result.records) {
      const slice = bytes.subarray(record.offset - 500, record.offset - 500 + record.lengthBytes).toString();
      expect(parseRecordText(slice)).toEqual(record.value);
    }
    expect(result.records.map((r) => r.line)).toEqual([8, 24, 25]);
    expect(result.records[0].lengthBytes).toBe(Buffer.byteLength(SPAN_TEXT));
  });

  it('leaves a partial last inspect record pending while the file may grow', () => {
    const head = '{"a":1}\n';
    for (const partial of [SPAN_TEXT.slice(0, 1), SPAN_TEXT.slice(0, 2), SPAN_TEXT.slice(0, 40), SPAN_TEXT.slice(0, -1), "{ level: 'info'"]) {
      const result = frame(head + partial, false);
      expect(result.records.map((r) => r.value), partial).toEqual([{ a: 1 }]);
      expect(result.errors, partial).toEqual([]);
      expect(result.consumedBytes, partial).toBe(head.length);
    }
  });

  it('frames the same records whatever the chunk boundaries', () => {
    const text = `${SPAN_TEXT}\n{"b":2}\nlog line\n${SPAN_TEXT}\n{ c: [ 3 ] }\n`;
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const first = frameJsonRecords(bytes.subarray(0, cut), 0, 1, false);
      const rest = frameJsonRecords(bytes.subarray(first.consumedBytes), first.consumedBytes, 1 + first.consumedLines, true);
      const records = [...first.records, ...rest.records];
      expect(records.map((r) => r.value), `cut at ${cut}`).toEqual([SPAN_VALUE, { b: 2 }, SPAN_VALUE, { c: [3] }]);
      expect(records.map((r) => r.line), `cut at ${cut}`).toEqual([1, 17, 19, 35]);
      expect([...first.errors, ...rest.errors].map((e) => e.line), `cut at ${cut}`).toEqual([18]);
    }
  });

  it('reads JSON text as JSON and refuses text that is neither', () => {
    expect(parseRecordText('{"a":NaN}')).toEqual({ a: 'NaN' });
    expect(parseRecordText("{ a: 'x' }")).toEqual({ a: 'x' });
    expect(() => parseRecordText('{ a: ')).toThrow();
    expect(() => parseRecordText("'text'")).toThrow();
  });
});
