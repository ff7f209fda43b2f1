import { describe, expect, it } from 'vitest';
import { describeCsvHeaderLine, findLastCsvRowEnd, frameCsvRecords, parseCsvRecord, readCsvHeaderRow } from '../../../src/core/ingest/frame-csv-records';
import { frameJsonRecords } from '../../../src/core/ingest/frame-json-records';
import { isLangfuseCsvHeader, readLangfuseCsvHeader } from '../../../src/core/ingest/adapt-langfuse';

function frame(text: string, isFinal = true, header: string[] | null = null) {
  return frameCsvRecords(Buffer.from(text, 'utf8'), 0, 1, isFinal, header);
}

describe('frameCsvRecords', () => {
  const cases: { name: string; text: string; values: unknown[]; lines: number[]; errors: string[]; consumed?: number }[] = [
    { name: 'bare fields', text: 'a,b\n1,2\n3,4\n', values: [{ a: '1', b: '2' }, { a: '3', b: '4' }], lines: [2, 3], errors: [] },
    { name: 'every field quoted (Langfuse)', text: '"a","b"\n"1","x"\n', values: [{ a: '1', b: 'x' }], lines: [2], errors: [] },
    { name: 'a comma inside quotes', text: 'a,b\n"x, y",z\n', values: [{ a: 'x, y', b: 'z' }], lines: [2], errors: [] },
    { name: 'doubled quotes', text: 'a\n"say ""hi"""\n', values: [{ a: 'say "hi"' }], lines: [2], errors: [] },
    { name: 'a line break inside quotes', text: 'a,b\n"one\ntwo",3\n4,5\n', values: [{ a: 'one\ntwo', b: '3' }, { a: '4', b: '5' }], lines: [2, 4], errors: [] },
    { name: 'CRLF line ends, CRLF kept inside quotes', text: 'a,b\r\n"x\r\ny",2\r\n3,4\r\n', values: [{ a: 'x\r\ny', b: '2' }, { a: '3', b: '4' }], lines: [2, 4], errors: [] },
    { name: 'a byte order mark before the header', text: '\uFEFF"id","v"\n"1","2"\n', values: [{ id: '1', v: '2' }], lines: [2], errors: [] },
    { name: 'empty fields, quoted or not', text: 'a,b,c\n"",,x\n', values: [{ a: '', b: '', c: 'x' }], lines: [2], errors: [] },
    { name: 'blank lines are no rows', text: 'a\n\n1\r\n\r\n2\n', values: [{ a: '1' }, { a: '2' }], lines: [3, 5], errors: [] },
    { name: 'the last row without a line break, when final', text: 'a,b\n1,2', values: [{ a: '1', b: '2' }], lines: [2], errors: [] },
    { name: 'a row with too few fields', text: 'a,b\n1\n2,3\n', values: [{ a: '2', b: '3' }], lines: [3], errors: ['a CSV row with 1 fields where the header has 2'] },
    { name: 'a quote left open at the end', text: 'a,b\n1,2\n"3,4\n', values: [{ a: '1', b: '2' }], lines: [2], errors: ['incomplete CSV row at end of file'] },
    { name: 'text after a closing quote is kept', text: 'a,b\n"x"y,2\n', values: [{ a: 'xy', b: '2' }], lines: [2], errors: [] },
    { name: 'a column named __proto__ stays a key', text: '__proto__,b\n1,2\n', values: [JSON.parse('{"__proto__":"1","b":"2"}')], lines: [2], errors: [] },
    { name: 'only a header', text: '"a","b"\n', values: [], lines: [], errors: [] },
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

  it('gives each row its exact offset and length, which read back alone', () => {
    const text = '"id","note"\r\n"é1","a, ""b""\nc"\r\n"2","plain"\r\n';
    const bytes = Buffer.from(text);
    const header = ['id', 'note'];
    const result = frameCsvRecords(bytes, 0, 1, true, null);
    expect(result.records.map((r) => r.line)).toEqual([2, 4]);
    for (const record of result.records) {
      const slice = bytes.subarray(record.offset, record.offset + record.lengthBytes);
      expect(parseCsvRecord(slice, header)).toEqual(record.value);
    }
  });

  it('leaves a row without its line break pending while the file may grow', () => {
    const result = frame('a,b\n1,2\n3,4', false);
    expect(result.records.map((r) => r.value)).toEqual([{ a: '1', b: '2' }]);
    expect(result.consumedBytes).toBe('a,b\n1,2\n'.length);
    expect(result.consumedLines).toBe(2);
  });

  it('leaves an open quoted field pending, even across line breaks', () => {
    const result = frame('a,b\n"one\ntwo', false);
    expect(result.records).toEqual([]);
    expect(result.errors).toEqual([]);
    expect(result.consumedBytes).toBe(4);
  });

  it('waits for the byte after a closing quote: it may be a doubled quote', () => {
    expect(frame('a\n"x"', false).consumedBytes).toBe(2);
    expect(frame('a\n"x"', false).records).toEqual([]);
    expect(frame('a\n"x"', true).records.map((r) => r.value)).toEqual([{ a: 'x' }]);
  });

  it('reads a piece after the header with the header it is given', () => {
    const text = 'a,b\n1,2\n3,4\n';
    const start = 'a,b\n1,2\n'.length;
    const piece = Buffer.from(text).subarray(start);
    const result = frameCsvRecords(piece, start, 3, true, ['a', 'b']);
    expect(result.records).toEqual([{ offset: start, lengthBytes: 3, line: 3, value: { a: '3', b: '4' } }]);
    expect(frameCsvRecords(piece, start, 3, true, null).errors.map((e) => e.reason)).toEqual(['a CSV row read without its header row']);
  });

  it('hands records to onRecord instead of keeping them', () => {
    const seen: unknown[] = [];
    const result = frameCsvRecords(Buffer.from('a\n1\n2\n'), 0, 1, true, null, (record) => seen.push(record.value));
    expect(result.records).toEqual([]);
    expect(seen).toEqual([{ a: '1' }, { a: '2' }]);
  });
});

describe('findLastCsvRowEnd', () => {
  const cases: [string, string, number][] = [
    ['after the last line break', 'a,b\n1,2\n3', 8],
    ['the whole text when it ends a row', 'a\n1\n', 4],
    ['not at a line break inside quotes', 'a\n"1\n2', 2],
    ['past a quoted line break once the quote closes', 'a\n"1\n2"\n3', 8],
    ['doubled quotes change nothing', 'a\n"x""\ny"\nz', 10],
    ['none in a first line still being written', '"id","na', -1],
    // readRow keeps a quote that does not start a field as text, so the cut does too.
    ['a quote inside a bare field is text', 'a\n5" screen\n6\n7', 14],
    ['a bare quote, then a quoted line break', 'a,b\n5" screen,x\n"1\n2",y\nz', 24],
    ['a bare quote, then a quoted field still open', 'a,b\n5" screen,x\n"1\n2', 16],
    ['a quote after a closing quote is text', 'a\n"x"y"z\n1\n2', 11],
    ['a quote opens a field after a comma', 'a,b\n1,"x\ny', 4],
    ['a quote opens a field after a CRLF', 'a\r\n"x\r\ny', 3],
    ['after a BOM, a quoted first field', '\uFEFF"i\nd', -1],
    ['a tripled quote: a doubled one, then the close', 'a\n"x"""\n1\n2', 10],
  ];
  for (const [name, text, end] of cases) it(name, () => expect(findLastCsvRowEnd(Buffer.from(text), Buffer.byteLength(text))).toBe(end));

  it('looks only at the first `length` bytes', () => {
    expect(findLastCsvRowEnd(Buffer.from('a\n1\n2\n'), 3)).toBe(2);
    // A quote just past `length` may not pair with the last quote before it.
    expect(findLastCsvRowEnd(Buffer.from('a\n"x""\n1\n'), 6)).toBe(2);
  });

  it('cuts where framing the piece loses no row, with quotes inside bare fields', () => {
    const text = 'id,name,input\n1,5" screen,"a\nb"\n2,"x,\ny","z"\n3,17" laptop,"c\nd"\n4,w,"e"\n';
    const bytes = Buffer.from(text);
    const whole = frameCsvRecords(bytes, 0, 1, true, null);
    expect(whole.errors).toEqual([]);
    expect(whole.records.map((r) => (r.value as Record<string, string>).name)).toEqual(['5" screen', 'x,\ny', '17" laptop', 'w']);
    const header = ['id', 'name', 'input'];
    for (let length = 1; length <= bytes.length; length++) {
      const cut = findLastCsvRowEnd(bytes, length);
      // The cut is the last row end within the window.
      const rowEnds = [14, ...whole.records.map((r) => r.offset + r.lengthBytes + 1)];
      const expected = rowEnds.filter((end) => end <= length).at(-1) ?? -1;
      expect(cut, `length ${length}`).toBe(expected);
      if (cut > 14) expect(frameCsvRecords(bytes.subarray(14, cut), 14, 2, true, header).errors, `length ${length}`).toEqual([]);
    }
  });
});

describe('CSV headers', () => {
  it('reads the first row, after a BOM, once it is complete', () => {
    expect(readCsvHeaderRow(Buffer.from('\uFEFF"id","name"\r\n"1"'), false)).toEqual(['id', 'name']);
    expect(readCsvHeaderRow(Buffer.from('"id","na'), false)).toBeNull();
    expect(readCsvHeaderRow(Buffer.from('"id","name"'), true)).toEqual(['id', 'name']);
  });

  const langfuse: [string, string[], boolean][] = [
    ['observations/', ['id', 'trace_id', 'project_id', 'environment', 'type', 'parent_observation_id', 'start_time', 'end_time', 'name'], true],
    ['observations_v2/ core columns', ['id', 'trace_id', 'start_time', 'end_time', 'name', 'type', 'user_id', 'session_id'], true],
    ['traces/', ['id', 'timestamp', 'name', 'environment', 'project_id', 'metadata', 'user_id', 'session_id', 'release', 'version', 'public', 'bookmarked', 'tags', 'input', 'output'], true],
    ['scores/', ['id', 'timestamp', 'project_id', 'environment', 'trace_id', 'observation_id', 'session_id', 'dataset_run_id', 'name', 'value', 'source', 'comment', 'data_type', 'string_value'], true],
    ['a spreadsheet of people', ['id', 'name', 'age', 'city'], false],
    ['timestamped rows with one trace-like column', ['id', 'timestamp', 'user_id', 'amount'], false],
    ['Zipkin-like columns', ['traceId', 'id', 'timestamp', 'name'], false],
  ];
  for (const [name, columns, isLangfuse] of langfuse) it(`${name}: ${isLangfuse ? '' : 'not '}a Langfuse header`, () => expect(isLangfuseCsvHeader(columns)).toBe(isLangfuse));

  it('waits for a first line still being written, but not for JSON', () => {
    expect(readLangfuseCsvHeader(Buffer.from('"id","trace_id","ty'), false)).toBe('pending');
    expect(readLangfuseCsvHeader(Buffer.from('"id","trace_id","ty'), true)).toBeNull();
    expect(readLangfuseCsvHeader(Buffer.from('{"id":'), false)).toBeNull();
    expect(readLangfuseCsvHeader(Buffer.from('id,trace_id,type,parent_observation_id\n'), false)).toEqual(['id', 'trace_id', 'type', 'parent_observation_id']);
    expect(readLangfuseCsvHeader(Buffer.from('name,age\n'), false)).toBeNull();
  });

  it('names the columns of a CSV no adapter knows, in place of "not JSON"', () => {
    expect(describeCsvHeaderLine('name,age,"city"')).toBe('not a trace format Tracelight knows: CSV columns name, age, city');
    expect(describeCsvHeaderLine('$ python agent.py')).toBeNull();
    expect(describeCsvHeaderLine('Starting app, version 3')).toBeNull();
    const framed = frameJsonRecords(Buffer.from('name,age\nann,3\n{"a":1}\n'), 0, 1, true);
    expect(framed.errors.map((e) => e.reason)).toEqual([
      'not a trace format Tracelight knows: CSV columns name, age',
      'not JSON: a line that does not start a JSON object or array',
    ]);
    expect(framed.records.map((r) => r.value)).toEqual([{ a: 1 }]);
  });
});
