import { describe, expect, it } from 'vitest';
import { frameJsonRecords } from '../../../src/core/ingest/frame-json-records';

const pretty = (value: unknown) => JSON.stringify(value, null, 4);

function frame(text: string, isFinal = true) {
  return frameJsonRecords(Buffer.from(text, 'utf8'), 0, 1, isFinal);
}

describe('frameJsonRecords', () => {
  const cases: { name: string; text: string; values: unknown[]; lines: number[]; errors: string[] }[] = [
    { name: 'JSON lines', text: '{"a":1}\n{"b":2}\n', values: [{ a: 1 }, { b: 2 }], lines: [1, 2], errors: [] },
    {
      name: 'pretty-printed objects back to back',
      text: `${pretty({ a: 1, n: { x: [1, 2] } })}\n${pretty({ b: '}{' })}\n`,
      values: [{ a: 1, n: { x: [1, 2] } }, { b: '}{' }],
      lines: [1, 10],
      errors: [],
    },
    { name: 'CRLF line ends', text: '{"a":1}\r\n{"b":2}\r\n', values: [{ a: 1 }, { b: 2 }], lines: [1, 2], errors: [] },
    { name: 'byte order mark', text: '\uFEFF{"a":1}\n', values: [{ a: 1 }], lines: [1], errors: [] },
    { name: 'NaN and Infinity', text: '{"a":NaN,"b":-Infinity,"c":"NaN"}\n', values: [{ a: 'NaN', b: '-Infinity', c: 'NaN' }], lines: [1], errors: [] },
    {
      name: 'noise lines between records',
      text: '$ python agent.py\n{"a":1}\nWARNING something\n{"b":2}\n',
      values: [{ a: 1 }, { b: 2 }],
      lines: [2, 4],
      errors: ['not JSON', 'not JSON'],
    },
    {
      name: 'a record cut off by a new one',
      text: '{\n    "a": {\n        "b": 1\n{"c":3}\n',
      values: [{ c: 3 }],
      lines: [4],
      errors: ['incomplete JSON record: a new record starts'],
    },
    { name: 'a broken record mid-file', text: '{"a":1}\n{"a":,}\n{"b":2}\n', values: [{ a: 1 }, { b: 2 }], lines: [1, 3], errors: ['invalid JSON'] },
    { name: 'braces inside strings', text: '{"s":"{\\"x\\":}"}\n', values: [{ s: '{"x":}' }], lines: [1], errors: [] },
    { name: 'two objects on one line', text: '{"a":1}{"b":2}\n', values: [{ a: 1 }, { b: 2 }], lines: [1, 1], errors: [] },
    { name: 'empty input', text: '', values: [], lines: [], errors: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const result = frame(c.text);
      expect(result.records.map((r) => r.value)).toEqual(c.values);
      expect(result.records.map((r) => r.line)).toEqual(c.lines);
      expect(result.errors.map((e) => e.reason.slice(0, c.errors[0]?.length ?? 0))).toEqual(c.errors);
      expect(result.consumedBytes).toBe(Buffer.byteLength(c.text));
    });
  }

  it('gives each record its exact byte offset and length', () => {
    const text = '{"é":1}\n\n{\n "b": 2\n}\n';
    const bytes = Buffer.from(text);
    const result = frameJsonRecords(bytes, 1000, 10, true);
    for (const record of result.records) {
      const slice = bytes.subarray(record.offset - 1000, record.offset - 1000 + record.lengthBytes).toString();
      expect(JSON.parse(slice)).toEqual(record.value);
    }
    expect(result.records.map((r) => r.line)).toEqual([10, 12]);
  });

  it('leaves a partial last record unconsumed while the file may grow', () => {
    const text = '{"a":1}\n{"b":';
    const result = frame(text, false);
    expect(result.records.map((r) => r.value)).toEqual([{ a: 1 }]);
    expect(result.errors).toEqual([]);
    expect(result.consumedBytes).toBe('{"a":1}\n'.length);
  });

  it('reports a partial last record as an error once the file is final', () => {
    const result = frame('{"a":1}\n{"b":', true);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ line: 2, offset: 8, reason: 'incomplete JSON record at end of file' });
  });

  it('frames the same records whatever the chunk boundaries', () => {
    const text = `${pretty({ a: 1 })}\n{"b":2}\n${pretty({ c: [3] })}\n`;
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const first = frameJsonRecords(bytes.subarray(0, cut), 0, 1, false);
      const rest = frameJsonRecords(bytes.subarray(first.consumedBytes), first.consumedBytes, 1 + first.consumedLines, true);
      const values = [...first.records, ...rest.records].map((r) => r.value);
      expect(values, `cut at ${cut}`).toEqual([{ a: 1 }, { b: 2 }, { c: [3] }]);
      expect([...first.records, ...rest.records].map((r) => r.line), `cut at ${cut}`).toEqual([1, 4, 5]);
    }
  });
});
