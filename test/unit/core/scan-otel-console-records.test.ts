/**
 * The native record scanner's fast path (scan-otel-console-records.ts + native/record-scanner.c)
 * must not change what is indexed: for any input, framed whole or in pieces re-fed as the file
 * tailer does, the IngestResult (spans, errors, formats, logs) and the consumed bytes and lines
 * are the same with and without it. Compared over every JSON fixture, hand-written adversarial
 * records and generated console spans.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameJsonRecords, type FramingError, type RecordFastPath } from '../../../src/core/ingest/frame-json-records';
import { createIngestResult, ingestRecord, type IndexableLog, type IndexableSpan } from '../../../src/core/ingest/ingest-records';
import { createOtelConsoleFastPath } from '../../../src/core/ingest/scan-otel-console-records';
import { loadRecordScanner, RECORD_SCANNER_LAYOUT, type RecordScannerAddon } from '../../../src/core/native/record-scanner-addon';
import { DERIVE_ATTRIBUTE_KEYS } from '../../../src/core/semantics/derive-span-fields';

const ROOT = join(__dirname, '../../..');
const addon = loadRecordScanner();

// ---------------------------------------------------------------------------------------------
// The harness: the index worker's framing, once without the fast path and once with it.
// ---------------------------------------------------------------------------------------------

interface Outcome {
  spans: IndexableSpan[];
  errors: FramingError[];
  formats: string[];
  logs: IndexableLog[];
  consumedBytes: number;
  consumedLines: number;
  /** Set when ingesting threw (then both paths must throw the same). */
  threw?: string;
}

interface Run {
  outcome: Outcome;
  /** Records the fast path accepted (each is one span). */
  fastRecords: number;
}

/**
 * Frames `bytes` as the tailer does: pieces end every `pieceBytes` bytes of the file, each call
 * gets the unconsumed tail of the previous one plus the next piece, and starts at
 * offset + consumedBytes, line + consumedLines; the last call is final.
 */
function ingestAll(bytes: Buffer, pieceBytes: number | undefined, scanner: RecordScannerAddon | null): Run {
  const into = createIngestResult();
  const errors: FramingError[] = [];
  let fastRecords = 0;
  let offset = 0;
  let line = 1;
  let end = 0;
  const size = pieceBytes ?? bytes.length;
  let threw: string | undefined;
  try {
    for (;;) {
      end = Math.min(bytes.length, end + Math.max(1, size));
      const isFinal = end === bytes.length;
      const chunk = bytes.subarray(offset, end);
      let fastPath: RecordFastPath | undefined;
      if (scanner) {
        const inner = createOtelConsoleFastPath(scanner, offset, into);
        fastPath = (b, pos, at) => {
          const result = inner(b, pos, at);
          fastRecords += result.records;
          return result;
        };
      }
      const framed = frameJsonRecords(chunk, offset, line, isFinal, (record) => ingestRecord(record, into), fastPath);
      errors.push(...framed.errors);
      offset += framed.consumedBytes;
      line += framed.consumedLines;
      if (isFinal) break;
    }
  } catch (error) {
    threw = (error as Error).message;
  }
  const allErrors = [...errors, ...into.errors].sort((a, b) => a.offset - b.offset || a.lengthBytes - b.lengthBytes || a.reason.localeCompare(b.reason));
  const outcome: Outcome = {
    spans: into.spans,
    errors: allErrors,
    formats: [...into.formats].sort(),
    logs: into.logs,
    consumedBytes: offset,
    consumedLines: line - 1,
  };
  if (threw !== undefined) outcome.threw = threw;
  return { outcome, fastRecords };
}

/** Ingests `text` without and with the fast path, in one piece or in `pieceBytes` pieces. */
function ingestBoth(text: string | Buffer, pieceBytes?: number): { plain: Outcome; fast: Outcome; fastRecords: number } {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const plain = ingestAll(bytes, pieceBytes, null);
  const fast = ingestAll(bytes, pieceBytes, addon);
  return { plain: plain.outcome, fast: fast.outcome, fastRecords: fast.fastRecords };
}

/** Asserts both paths agree; returns how many records the fast path took. */
function expectSame(text: string | Buffer, pieceBytes?: number): number {
  const { plain, fast, fastRecords } = ingestBoth(text, pieceBytes);
  expect(fast, `piece size ${pieceBytes ?? 'whole'}`).toEqual(plain);
  return fastRecords;
}

// ---------------------------------------------------------------------------------------------
// Building console records as raw JSON text (duplicate keys, escapes, NaN … need raw text).
// ---------------------------------------------------------------------------------------------

/** A member: key (JSON-quoted unless it already starts with a quote) and its raw JSON value. */
type Member = [key: string, raw: string];

const TRACE = '0x0af7651916cd43dd8448eb211c80319c';
const SPAN = '0xb7ad6b7169203331';
const PARENT = '0x00f067aa0ba902b7';
const q = (value: unknown) => JSON.stringify(value);

const BASE: Member[] = [
  ['name', q('chat gpt-4o')],
  ['context', q({ trace_id: TRACE, span_id: SPAN, trace_state: '[]' })],
  ['kind', q('SpanKind.CLIENT')],
  ['parent_id', q(PARENT)],
  ['start_time', q('2026-11-20T14:03:07.125408Z')],
  ['end_time', q('2026-11-20T14:03:08.165597Z')],
  ['status', q({ status_code: 'UNSET' })],
  [
    'attributes',
    q({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.request.temperature': 0.2,
      'gen_ai.usage.input_tokens': 812,
      'gen_ai.usage.output_tokens': 96,
      'session.id': 'sess-1',
    }),
  ],
  ['events', q([{ name: 'gen_ai.content.prompt', timestamp: '2026-11-20T14:03:07.125500Z', attributes: { 'gen_ai.prompt': 'hi' } }])],
  ['links', q([])],
  ['resource', q({ attributes: { 'service.name': 'svc' }, schema_url: '' })],
];

/**
 * A console record from BASE: `changes` replaces members' raw values (undefined drops the
 * member), `extra` appends members (possibly repeating a key).
 */
function members(changes: Record<string, string | undefined> = {}, extra: Member[] = []): Member[] {
  const out: Member[] = [];
  for (const [key, raw] of BASE) {
    if (key in changes) {
      const replaced = changes[key];
      if (replaced !== undefined) out.push([key, replaced]);
    } else out.push([key, raw]);
  }
  return [...out, ...extra];
}

const quoteKey = (key: string) => (key.startsWith('"') ? key : q(key));

/** Compact: one line. */
function compact(list: Member[]): string {
  return `{${list.map(([key, raw]) => `${quoteKey(key)}:${raw}`).join(',')}}`;
}

/** Indented like json.dumps(indent=4) at the top level (inner values stay as written). */
function pretty(list: Member[], eol = '\n'): string {
  if (list.length === 0) return '{}';
  return `{${eol}${list.map(([key, raw]) => `    ${quoteKey(key)}: ${raw}`).join(`,${eol}`)}${eol}}`;
}

/** An attribute object as raw text, keys raw-quoted as given. */
function rawObject(list: Member[]): string {
  return `{${list.map(([key, raw]) => `${quoteKey(key)}: ${raw}`).join(', ')}}`;
}

const withAttributes = (list: Member[]) => members({ attributes: rawObject(list) });

/** A plain, canonical record the fast path takes (distinct ids per `n`). */
function normalRecord(n: number, isPretty = false): string {
  const hex = n.toString(16).padStart(16, '0');
  const list = members({
    name: q(`span ${n}`),
    context: q({ trace_id: `0x${hex}${hex}`, span_id: `0x${hex}`, trace_state: '[]' }),
  });
  return isPretty ? pretty(list) : compact(list);
}

// ---------------------------------------------------------------------------------------------

describe('the native record scanner', () => {
  it('is built and loads', () => {
    expect(process.env.TRACELIGHT_NATIVE).not.toBe('off');
    expect(addon).not.toBeNull();
    expect(typeof addon?.scan).toBe('function');
    expect(typeof addon?.setWantedKeys).toBe('function');
    // A build of another layout would be refused (and misread if it were not).
    expect(addon?.layoutVersion).toBe(RECORD_SCANNER_LAYOUT);
  });

  it('takes canonical console records, compact and pretty, and yields what JavaScript yields', () => {
    const text = `${normalRecord(1)}\n${normalRecord(2, true)}\n${normalRecord(3)}\n`;
    expect(expectSame(text)).toBe(3);
    const { fast } = ingestBoth(text);
    expect(fast.spans.map((span) => span.name)).toEqual(['span 1', 'span 2', 'span 3']);
    expect(fast.spans[0]).toMatchObject({ model: 'gpt-4o', inputTokens: 812, outputTokens: 96, spanType: 'llm', sessionKey: 'sess-1', format: 'otel-console' });
  });

  it('the comparison catches a fast path that reads one value wrong', () => {
    // A scanner whose numbers are off by one: the harness must see the difference.
    const real = addon!;
    const broken: RecordScannerAddon = {
      setWantedKeys: (keys) => real.setWantedKeys(keys),
      scan: (bytes, start, end, records, attributes, numbers) => {
        const count = real.scan(bytes, start, end, records, attributes, numbers);
        for (let i = 0; i < numbers.length && i < 64; i++) numbers[i] += 1;
        return count;
      },
      countByte: (bytes, byte, start, end) => real.countByte(bytes, byte, start, end),
      layoutVersion: real.layoutVersion,
    };
    const bytes = Buffer.from(`${normalRecord(1)}\n`);
    const plain = ingestAll(bytes, undefined, null).outcome;
    const wrong = ingestAll(bytes, undefined, broken);
    expect(wrong.fastRecords).toBe(1);
    expect(wrong.outcome).not.toEqual(plain);
    expect(ingestAll(bytes, undefined, real).outcome).toEqual(plain);
  });
});

// ---------------------------------------------------------------------------------------------
// Every JSON fixture.
// ---------------------------------------------------------------------------------------------

const SKIPPED_FOLDERS = new Set(['stores', 'otlp-proto', 'node_modules']);
const TEXT_EXTENSIONS = ['.json', '.jsonl', '.log', '.txt'];

function listFixtures(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry)) out.push(...listFixtures(path));
    } else if (TEXT_EXTENSIONS.some((ext) => entry.endsWith(ext))) out.push(path);
  }
  return out;
}

const FIXTURE_FILES = [...listFixtures(join(ROOT, 'test/fixtures')), ...listFixtures(join(ROOT, 'resources/demo'))];

/**
 * Console fixtures whose first record the scanner must refuse (bare NaN): the framer then stops
 * asking the fast path for that piece, by design. Their other records are checked one by one.
 */
const FIRST_RECORD_REFUSED = new Set([join('test', 'fixtures', 'otel-console', 'nan-infinity.jsonl')]);

describe('fast path equivalence over every fixture', () => {
  it('takes the NaN-free records of a first-record-refused fixture when they start a piece', () => {
    for (const name of FIRST_RECORD_REFUSED) {
      const lines = readFileSync(join(ROOT, name), 'utf8').split('\n').filter((line) => line.trim() !== '');
      let taken = 0;
      for (const line of lines) {
        const { plain, fast, fastRecords } = ingestBoth(`${line}\n`);
        expect(fast).toEqual(plain);
        expect(plain.formats).toEqual(['otel-console']);
        expect(fastRecords, line.slice(0, 80)).toBe(/\bNaN\b|Infinity/.test(line.replace(/"[^"]*"/g, '""')) ? 0 : 1);
        taken += fastRecords;
      }
      expect(taken).toBeGreaterThan(0);
    }
  });

  it('finds the fixtures', () => {
    expect(FIXTURE_FILES.length).toBeGreaterThan(50);
    expect(FIXTURE_FILES.some((path) => path.includes('otel-console'))).toBe(true);
  });

  for (const path of FIXTURE_FILES) {
    const name = relative(ROOT, path);
    it(`${name}: same result whole and in 4096-byte pieces`, () => {
      const bytes = readFileSync(path);
      const whole = ingestBoth(bytes);
      expect(whole.fast).toEqual(whole.plain);
      const pieces = ingestBoth(bytes, 4096);
      expect(pieces.fast).toEqual(pieces.plain);
      if (path.includes(join('test', 'fixtures', 'otel-console')) && whole.plain.formats.includes('otel-console') && !FIRST_RECORD_REFUSED.has(name)) {
        expect(whole.fastRecords, 'records the fast path took').toBeGreaterThan(0);
        expect(pieces.fastRecords, 'records the fast path took in pieces').toBeGreaterThan(0);
      }
    });
  }

  it('small fixtures agree in tiny pieces too', () => {
    for (const path of FIXTURE_FILES) {
      const bytes = readFileSync(path);
      if (bytes.length > 24_000) continue;
      for (const size of [1, 64, 300]) {
        const { plain, fast } = ingestBoth(bytes, size);
        expect(fast, `${relative(ROOT, path)} in ${size}-byte pieces`).toEqual(plain);
      }
    }
  });

  it('the demo console file is read by the fast path', () => {
    const bytes = readFileSync(join(ROOT, 'resources/demo/agent-traces.jsonl'));
    const { plain, fast, fastRecords } = ingestBoth(bytes, 65_536);
    expect(fast).toEqual(plain);
    expect(fastRecords).toBeGreaterThan(plain.spans.length / 2);
  });
});

// ---------------------------------------------------------------------------------------------
// Hand-written adversarial records.
// ---------------------------------------------------------------------------------------------

/** [label, record text]: each is ingested alone and between two plain records, whole and in pieces. */
const CASES: [string, string][] = [];
const add = (label: string, text: string) => CASES.push([label, text]);
const addBoth = (label: string, list: Member[]) => {
  add(`${label} (compact)`, compact(list));
  add(`${label} (pretty)`, pretty(list));
};

// Layout.
addBoth('the base record', members());
add('JSON.stringify(x, null, 4)', JSON.stringify(JSON.parse(compact(members())), null, 4));
add('JSON.stringify(x, null, 2)', JSON.stringify(JSON.parse(compact(members())), null, 2));
add('pretty with CRLF inside and after', `${pretty(members(), '\r\n')}\r\n${pretty(members({ name: q('second') }), '\r\n')}`);
add('compact records with CRLF', `${compact(members())}\r\n${compact(members({ name: q('b') }))}\r\n`);
add('tabs and odd whitespace', `{\t"name" :\t"x" , "context":{ "trace_id" : "${TRACE}" ,"span_id":"${SPAN}"} ,\r\n  "kind":"SpanKind.INTERNAL"   }`);
add('whitespace before the record on its line', `   ${compact(members())}`);

// Names.
addBoth('name with \\" escape', members({ name: '"say \\"hi\\""' }));
addBoth('name with \\n escape', members({ name: '"two\\nlines"' }));
addBoth('name with \\u00e9 escape', members({ name: '"caf\\u00e9"' }));
addBoth('name with \\/ escape', members({ name: '"a\\/b"' }));
addBoth('name with all simple escapes', members({ name: '"\\b\\f\\n\\r\\t\\\\\\/\\""' }));
addBoth('name with \\u0000', members({ name: '"nul\\u0000byte"' }));
addBoth('non-ASCII name é', members({ name: q('café é') }));
addBoth('non-ASCII name 日本', members({ name: q('日本語のスパン') }));
addBoth('emoji name', members({ name: q('tool 🚀 call 👩‍💻') }));
addBoth('emoji name as escaped surrogate pair', members({ name: '"rocket \\ud83d\\ude80"' }));
addBoth('lone surrogate escape in the name', members({ name: '"bad \\ud800 name"' }));
addBoth('lone low surrogate escape in the name', members({ name: '"bad \\udfff"' }));
addBoth('escaped backslash then ud800 in the name (not a surrogate)', members({ name: '"path \\\\ud800"' }));
addBoth('empty name', members({ name: '""' }));
addBoth('missing name', members({ name: undefined }));
addBoth('null name', members({ name: 'null' }));
addBoth('numeric name', members({ name: '42' }));
addBoth('object name', members({ name: '{"a":1}' }));
add('name with DEL and C1 bytes', compact(members({ name: q('del \u007f c1 \u0085 nbsp \u00a0 ls \u2028') })));
add('name with raw invalid UTF-8', 'placeholder:invalid-utf8');

// Ids.
const ctx = (trace: unknown, span: unknown, more: Record<string, unknown> = {}) => q({ trace_id: trace, span_id: span, ...more });
addBoth('ids with 0X prefix', members({ context: ctx('0X0af7651916cd43dd8448eb211c80319c', '0Xb7ad6b7169203331'), parent_id: q('0X00f067aa0ba902b7') }));
addBoth('upper-case hex ids', members({ context: ctx('0x0AF7651916CD43DD8448EB211C80319C', '0xB7AD6B7169203331'), parent_id: q('0x00F067AA0BA902B7') }));
addBoth('ids without prefix', members({ context: ctx('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331'), parent_id: q('00f067aa0ba902b7') }));
addBoth('upper-case ids without prefix', members({ context: ctx('0AF7651916CD43DD8448EB211C80319C', 'B7AD6B7169203331'), parent_id: q('00F067AA0BA902B7') }));
addBoth('all-zero parent', members({ parent_id: q('0x0000000000000000') }));
addBoth('all-zero parent without prefix', members({ parent_id: q('0000000000000000') }));
addBoth('all-zero 32-digit parent', members({ parent_id: q('0x00000000000000000000000000000000') }));
addBoth('all-zero trace and span ids', members({ context: ctx('0x00000000000000000000000000000000', '0x0000000000000000') }));
addBoth('empty parent', members({ parent_id: '""' }));
addBoth('null parent', members({ parent_id: 'null' }));
addBoth('missing parent', members({ parent_id: undefined }));
addBoth('parent "0x"', members({ parent_id: q('0x') }));
addBoth('self parent', members({ parent_id: q(SPAN) }));
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');
const b64url = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');
addBoth('base64 ids (16 and 8 bytes)', members({ context: ctx(b64('0af7651916cd43dd8448eb211c80319c'), b64('b7ad6b7169203331')), parent_id: q(b64('00f067aa0ba902b7')) }));
addBoth('base64url ids', members({ context: ctx(b64url('fbf7651916cd43dd8448eb211c80319c'), b64url('fbfd6b7169203331')), parent_id: q(b64url('fbf067aa0ba902b7')) }));
addBoth('all-zero base64 parent', members({ parent_id: q(b64('0000000000000000')) }));
addBoth('non-hex ids', members({ context: ctx('trace-abc', 'span-xyz'), parent_id: q('parent-1') }));
addBoth('ids of the wrong length', members({ context: ctx('0x0af7651916cd43dd', '0xb7ad6b71692033'), parent_id: q('0x00f067aa0ba902b7ff') }));
addBoth('ids with surrounding spaces', members({ context: ctx(` ${TRACE} `, ` ${SPAN}`), parent_id: q(`${PARENT} `) }));
addBoth('ids with a g', members({ context: ctx('0x0af7651916cd43dd8448eb211c80319g', '0xb7ad6b716920333g') }));
addBoth('escaped ids', members({ context: '{"trace_id":"0x0af7651916cd43dd8448eb211c8031\\u0039c","span_id":"0xb7ad6b716920333\\u0031"}', parent_id: '"0x00f067aa0ba902b\\u0037"' }));
addBoth('non-ASCII id', members({ context: ctx('0x0af7651916cd43dd8448eb211c80319é', SPAN) }));
addBoth('lone surrogate in an id', members({ context: `{"trace_id":"${TRACE}","span_id":"0xb7ad6b716920333\\ud800"}` }));
addBoth('numeric trace id', members({ context: `{"trace_id":12345,"span_id":"${SPAN}"}` }));
addBoth('null trace id', members({ context: `{"trace_id":null,"span_id":"${SPAN}"}` }));
addBoth('numeric parent id', members({ parent_id: '123' }));
addBoth('object parent id', members({ parent_id: '{"x":1}' }));
addBoth('context without span_id', members({ context: q({ trace_id: TRACE }) }));
addBoth('context as a string', members({ context: q('ctx') }));
addBoth('context as an array', members({ context: q([TRACE, SPAN]) }));
addBoth('context with extra keys first', members({ context: q({ trace_state: '[]', is_remote: false, trace_id: TRACE, span_id: SPAN }) }));
addBoth('context with duplicate trace_id', members({ context: `{"trace_id":"${TRACE}","span_id":"${SPAN}","trace_id":"0x11111111111111111111111111111111"}` }));
addBoth('context with escaped span_id key', members({ context: `{"trace_id":"${TRACE}","span\\u005fid":"${SPAN}"}` }));
addBoth('context given twice', members({}, [['context', ctx('0x11111111111111111111111111111111', '0x2222222222222222')]]));
addBoth('missing context', members({ context: undefined }));

// Kinds.
addBoth('kind SpanKind.SERVER', members({ kind: q('SpanKind.SERVER') }));
addBoth('kind "SpanKind."', members({ kind: q('SpanKind.') }));
addBoth('unknown SpanKind', members({ kind: q('SpanKind.WHATEVER') }));
addBoth('kind not SpanKind', members({ kind: q('CLIENT') }));
addBoth('kind missing', members({ kind: undefined }));
addBoth('kind null', members({ kind: 'null' }));
addBoth('kind numeric', members({ kind: '3' }));
addBoth('kind escaped', members({ kind: '"SpanKind.\\u0043LIENT"' }));
addBoth('kind given twice', members({}, [['kind', q('SpanKind.SERVER')]]));

// Times.
const times = (start: string | undefined, end: string | undefined = q('2026-11-20T14:03:08.165597Z')) => members({ start_time: start, end_time: end });
addBoth('canonical times', times(q('2026-11-20T00:00:00.004172Z'), q('2026-11-20T00:00:00.104172Z')));
addBoth('times without fraction', times(q('2026-11-20T00:00:00Z'), q('2026-11-20T00:00:01Z')));
addBoth('times with 3 fraction digits', times(q('2026-11-20T00:00:00.004Z')));
addBoth('times with 9 fraction digits', times(q('2026-11-20T00:00:00.004172123Z'), q('2026-11-20T00:00:00.004172999Z')));
addBoth('times with +00:00', times(q('2026-11-20T00:00:00.004172+00:00'), q('2026-11-20T01:00:00.004172+01:00')));
addBoth('times without zone', times(q('2026-11-20T00:00:00.004172'), q('2026-11-20 00:00:01.004172')));
addBoth('lower-case t and z', times(q('2026-11-20t00:00:00.004172z')));
addBoth('null times', times('null', 'null'));
addBoth('missing times', times(undefined, undefined));
addBoth('missing end', times(q('2026-11-20T00:00:00.004172Z'), undefined));
addBoth('numeric epoch seconds', times('1795132800.004172', '1795132801'));
addBoth('numeric epoch µs and ns', times('1795132800004172', '1795132801004172000'));
addBoth('epoch as text', times(q('1795132800004172'), q('1795132801.5')));
addBoth('zero and negative epochs', times('0', '-5'));
addBoth('end before start', times(q('2026-11-20T00:00:02.000000Z'), q('2026-11-20T00:00:01.000000Z')));
addBoth('end equals start', times(q('2026-11-20T00:00:02.000000Z'), q('2026-11-20T00:00:02.000000Z')));
addBoth('invalid date Feb 30 in canonical form', times(q('2026-02-30T00:00:00.000000Z'), q('2026-02-29T00:00:00.000000Z')));
addBoth('leap days', times(q('2024-02-29T12:00:00.000000Z'), q('2000-02-29T12:00:00.000000Z')));
addBoth('Feb 29 in 2100 (not leap)', times(q('2100-02-29T12:00:00.000000Z'), q('2100-03-01T12:00:00.000000Z')));
addBoth('hour 24 and second 60', times(q('2026-11-20T24:00:00.000000Z'), q('2026-11-20T23:59:60.000000Z')));
addBoth('month 13 and day 00', times(q('2026-13-01T00:00:00.000000Z'), q('2026-01-00T00:00:00.000000Z')));
addBoth('year before 1970', times(q('1969-12-31T23:59:59.999999Z'), q('1900-01-01T00:00:00.000000Z')));
addBoth('the epoch itself', times(q('1970-01-01T00:00:00.000000Z'), q('1970-01-01T00:00:00.000001Z')));
addBoth('year 9999', times(q('9999-12-31T23:59:59.999999Z')));
addBoth('year 0000', times(q('0000-01-01T00:00:00.000000Z')));
addBoth('canonical length but garbage', times(q('2026-11-20T00:00:00.00417xZ'), q('abcd-ef-ghTij:kl:mn.opqrstZ')));
addBoth('sign in fraction', times(q('2026-11-20T00:00:00.-04172Z'), q('2026-11-20T00:00:0+.004172Z')));
addBoth('escaped time', times('"2026-11-20T00:00:00.004172\\u005a"'));
addBoth('time with spaces', times(q(' 2026-11-20T00:00:00.004172Z'), q('2026-11-20T00:00:00.004172Z ')));
addBoth('non-ASCII time', times(q('2026-11-20T00:00:00.004172Ｚ')));
addBoth('time as object', times('{"t":1}', '[1,2]'));
addBoth('time given twice', members({}, [['start_time', q('2026-11-20T00:00:05.000000Z')]]));

// Status.
addBoth('status null', members({ status: 'null' }));
addBoth('status missing', members({ status: undefined }));
addBoth('status ERROR with description', members({ status: q({ status_code: 'ERROR', description: 'x' }) }));
addBoth('status OK', members({ status: q({ status_code: 'OK' }) }));
addBoth('status "OK" as a string', members({ status: q('OK') }));
addBoth('status lower-case error', members({ status: q({ status_code: 'error' }) }));
addBoth('status StatusCode.ERROR', members({ status: q({ status_code: 'StatusCode.ERROR' }) }));
addBoth('status STATUS_CODE_OK', members({ status: q({ status_code: 'STATUS_CODE_OK' }) }));
addBoth('status numeric code', members({ status: q({ status_code: 2 }) }));
addBoth('status code null', members({ status: q({ status_code: null, description: null }) }));
addBoth('status empty object', members({ status: '{}' }));
addBoth('status unknown name', members({ status: q({ status_code: 'FAILED' }) }));
addBoth('status escaped code', members({ status: '{"status_code":"ERR\\u004fR"}' }));
addBoth('status description with escapes and a lone surrogate', members({ status: '{"status_code":"ERROR","description":"boom \\ud800 \\n"}' }));
addBoth('status description numeric', members({ status: '{"status_code":"ERROR","description":5}' }));
addBoth('status code given twice', members({ status: '{"status_code":"OK","status_code":"ERROR"}' }));
addBoth('status given twice', members({}, [['status', q({ status_code: 'ERROR' })]]));
addBoth('status as array', members({ status: '["ERROR"]' }));

// Attributes.
addBoth('attributes null', members({ attributes: 'null' }));
addBoth('attributes missing', members({ attributes: undefined }));
addBoth('attributes empty', members({ attributes: '{}' }));
addBoth('attributes as an array', members({ attributes: q([{ 'gen_ai.request.model': 'x' }]) }));
addBoth('attributes as a string', members({ attributes: q('{"gen_ai.request.model":"x"}') }));
addBoth('attributes given twice', members({}, [['attributes', q({ 'gen_ai.request.model': 'other' })]]));
addBoth(
  'wanted keys with every JSON type',
  withAttributes([
    ['gen_ai.request.model', q('gpt-4o')],
    ['gen_ai.usage.input_tokens', '12'],
    ['gen_ai.usage.output_tokens', '7.5'],
    ['llm.cost.total', '1e400'],
    ['gen_ai.usage.cost', '-0'],
    ['kitelogik.policy.allow', 'true'],
    ['kitelogik.policy.deny', 'false'],
    ['session.id', 'null'],
    ['tag.tags', q(['a', 'b', 3, null, { x: 1 }])],
    ['mlflow.chat.tokenUsage', q({ input_tokens: 5, output_tokens: 6, total_tokens: 11 })],
  ]),
);
addBoth(
  'numbers in every spelling',
  withAttributes([
    ['gen_ai.usage.input_tokens', '1E2'],
    ['gen_ai.usage.output_tokens', '-12.50e-1'],
    ['llm.cost.total', '0.1'],
    ['gen_ai.evaluation.score.value', '123456789012345678901234567890'],
    ['llm.token_count.prompt', '4.9e-324'],
    ['llm.token_count.completion', '1.7976931348623157e308'],
    ['kavalai.prompt_tokens', '-1e-400'],
    ['kavalai.completion_tokens', '2.2250738585072011e-308'],
    ['gen_ai.usage.prompt_tokens', '0.30000000000000004'],
    ['ai.usage.promptTokens', '9007199254740993'],
  ]),
);
addBoth(
  'token and cost values as text',
  withAttributes([
    ['gen_ai.usage.input_tokens', q('12')],
    ['gen_ai.usage.output_tokens', q(' 7 ')],
    ['llm.cost.total', q('0x10')],
    ['gen_ai.usage.cost', q('')],
  ]),
);
addBoth('MLflow tokenUsage as JSON text', withAttributes([['mlflow.spanType', q('"CHAT_MODEL"')], ['mlflow.chat.tokenUsage', q('{"input_tokens": 3, "output_tokens": 4}')], ['mlflow.llm.cost', q({ total_cost: 0.5 })]]));
addBoth('MLflow tokenUsage broken JSON text', withAttributes([['mlflow.chat.tokenUsage', q('{"input_tokens": 3,')]]));
addBoth('meta and tags of a typed run', withAttributes([['span_kind', q('trace_run')], ['status', q('completed')], ['tags', q('["x","y"]')], ['meta', q({ a: 1, b: { c: [1, 2] } })], ['datapoint_id', q('dp-1')], ['model_name', q('m')]]));
addBoth('meta as JSON text', withAttributes([['span_name', q('run')], ['meta', q('{"k":"v","n":2}')], ['tags', q('solo')]]));
addBoth(
  'duplicate attribute keys',
  withAttributes([
    ['gen_ai.request.model', q('first')],
    ['gen_ai.usage.input_tokens', '1'],
    ['gen_ai.request.model', q('second')],
    ['gen_ai.usage.input_tokens', q('two')],
    ['unwanted', '1'],
    ['unwanted', '2'],
  ]),
);
addBoth('duplicate wanted key, object then string', withAttributes([['meta', q({ a: 1 })], ['span_kind', q('trace_run')], ['meta', q('text')]]));
addBoth('escaped attribute key that spells a wanted key', withAttributes([['"gen_ai.request.mod\\u0065l"', q('escaped')], ['gen_ai.operation.name', q('chat')]]));
addBoth('escaped attribute key, unwanted', withAttributes([['"some\\u0020key"', q('v')], ['gen_ai.request.model', q('m')]]));
addBoth('__proto__ attribute key', withAttributes([['__proto__', q({ 'gen_ai.request.model': 'proto-model' })], ['gen_ai.operation.name', q('chat')]]));
addBoth('__proto__ attribute key holding a string', withAttributes([['__proto__', q('x')], ['gen_ai.request.model', q('m')]]));
addBoth('constructor and toString attribute keys', withAttributes([['constructor', q('c')], ['toString', '1'], ['hasOwnProperty', 'null'], ['gen_ai.request.model', q('m')]]));
addBoth('non-ASCII attribute keys', withAttributes([['modèle', q('x')], ['gen_ai.request.model', q('日本')], ['🔑', '1']]));
addBoth('lone surrogate in a wanted attribute', withAttributes([['gen_ai.request.model', '"gpt\\ud800"'], ['gen_ai.operation.name', q('chat')]]));
addBoth('lone surrogate in an unwanted attribute', withAttributes([['note', '"x\\udc00y"'], ['gen_ai.request.model', q('m')]]));
addBoth('lone surrogate inside a wanted array', withAttributes([['tag.tags', '["ok","\\ud800"]']]));
addBoth('lone surrogate inside a wanted object key', withAttributes([['span_kind', q('trace_run')], ['meta', '{"\\ud800":"v"}']]));
addBoth('escaped wanted string values', withAttributes([['gen_ai.request.model', '"gpt\\u002d4o\\n"'], ['session.id', '"s\\/1"']]));
addBoth('non-ASCII wanted string values', withAttributes([['gen_ai.request.model', q('modèle-日本-🚀')], ['session.id', q('sesión')]]));
addBoth('NaN in an unwanted attribute (lenient path)', withAttributes([['x', 'NaN'], ['gen_ai.request.model', q('m')]]));
addBoth('NaN in a wanted attribute', withAttributes([['gen_ai.usage.input_tokens', 'NaN'], ['gen_ai.usage.output_tokens', '-Infinity'], ['llm.cost.total', 'Infinity']]));
addBoth('Infinity in an event', members({ events: '[{"name":"e","attributes":{"v":Infinity}}]' }));
// A surrogate escape anywhere in a record makes the JavaScript path rebuild the whole parsed
// value (repairSurrogates); a `__proto__` key must still mean what it means without one.
addBoth('__proto__ attribute key, lone surrogate elsewhere in the record', withAttributes([['__proto__', q({ 'gen_ai.request.model': 'proto-model', span_kind: 'tool' })], ['note', '"x\\ud800"']]));
addBoth('__proto__ attribute key, escaped backslash + ud800 text elsewhere', withAttributes([['__proto__', q({ 'gen_ai.request.model': 'proto-model' })], ['path', '"C:\\\\ud800"']]));
addBoth('__proto__ top-level key, lone surrogate in an event', members({ status: undefined, events: '[{"name":"e\\udc00"}]' }, [['__proto__', q({ status: { status_code: 'ERROR' } })]]));
addBoth('__proto__ key inside a wanted meta, surrogate elsewhere', withAttributes([['span_kind', q('trace_run')], ['meta', '{"__proto__":{"a":1},"b":2}'], ['note', '"\\ud800"']]));
// Parts of a record the scanner skips but JavaScript still reads (events, links).
addBoth('an event name whose toString is not callable', members({ events: '[{"name":{"toString":1}}]' }));
addBoth('a link id whose toString is not callable', members({ links: '[{"context":{"trace_id":{"toString":null,"valueOf":null},"span_id":"x"}}]' }));
addBoth('a wanted attribute whose toString is not callable', withAttributes([['mlflow.spanType', '{"toString":1}']]));
addBoth('unknown extra top-level keys', members({}, [['extra', q({ deep: [1, { x: null }] })], ['x-other', '123'], ['😀', '"v"']]));
addBoth('__proto__ top-level key', members({}, [['__proto__', q({ attributes: { 'gen_ai.request.model': 'proto' } })]]));
addBoth('duplicate top-level name', members({}, [['name', q('second name')]]));
addBoth('duplicate top-level unknown key', members({}, [['events', '[]'], ['events', '[1]']]));
addBoth('parent_id given twice', members({}, [['parent_id', 'null']]));
addBoth('escaped top-level key', members({ name: undefined }, [['"n\\u0061me"', q('escaped name')]]));
addBoth('record with resourceSpans', members({}, [['resourceSpans', '[]']]));
addBoth('record with resource_spans', members({}, [['resource_spans', '[]']]));
addBoth('record with batches', members({}, [['batches', '[]']]));
addBoth('record with resourceSpans not an array', members({}, [['resourceSpans', '{}']]));
addBoth('record with body (a log shape) too', members({}, [['body', q('hello')], ['severity_number', '9']]));
addBoth('events as garbage', members({ events: '[null, 1, "x", {"name": 5, "timestamp": {"a": 1}}]', links: '[null, {"context": 5}, {"context": {"trace_id": 1}}]' }));
addBoth('resource as flat dict', members({ resource: q({ 'service.name': 'flat', attributes: 'x' }) }));
add(
  'every convention in one record',
  compact(
    withAttributes([
      ['openinference.span.kind', q('LLM')],
      ['llm.model_name', q('oi-model')],
      ['llm.token_count.prompt', '3'],
      ['traceloop.span.kind', q('workflow')],
      ['ai.operationId', q('ai.generateText.doGenerate')],
      ['langfuse.observation.type', q('generation')],
      ['kavalai.kind', q('model_call')],
      ['kavalai.call_type', q('embedding')],
      ['kitaru.span.kind', q('checkpoint')],
      ['kitaru.metadata.tokens.in', '5'],
      ['kitelogik.policy.allow', q('False')],
      ['kitelogik.policy.requires_hitl', q('true')],
      ['kitelogik.policy.risk_tier', q('high')],
      ['kitelogik.policy.reason', q('r')],
      ['kitelogik.allowed', 'false'],
      ['kitelogik.audit.outcome', q('blocked')],
      ['langfuse.trace.tags', q(['t'])],
      ['gen_ai.evaluation.score.value', '0.5'],
    ]),
  ),
);
add('typed grader message', compact(withAttributes([['span_kind', q('grader.helpfulness')], ['role', q('assistant')], ['grader_name', q('helpfulness')], ['model', q('m')], ['input_tokens', '3'], ['score', '0.9']])));
add('typed criterion, synthesized', compact(withAttributes([['span_kind', q('grader.criterion')], ['score', '1'], ['tracelight.synthesized', 'true']])));
add('typed run by name', compact(members({ name: q('trace_run'), attributes: rawObject([['datapoint_id', q('dp')], ['phase', q('eval')], ['status', q('TRUNCATED')], ['cost_usd', '0.25']]) })));

// Records around broken text.
const BROKEN = compact(members()).slice(0, 200);
add('a record cut off mid-way, then a new record at column 0', `${BROKEN}\n${compact(members({ name: q('after') }))}`);
add('a pretty record cut off mid-way, then a new one', `${pretty(members()).slice(0, 300)}\n${pretty(members({ name: q('after') }))}`);
add('a record cut off inside a string, then a new one', `${compact(members()).slice(0, 20)}\n${compact(members({ name: q('after') }))}`);
add('a truncated last record', `${compact(members())}\n${BROKEN}`);
add('a truncated last pretty record', `${pretty(members())}\n${pretty(members()).slice(0, 250)}`);
add('garbage lines between records', `INFO starting\n${compact(members())}\nnot json at all\n{ stray brace\n] also bad\n${pretty(members())}\n>>> done`);
add('two records on one line', `${compact(members())} ${compact(members({ name: q('second') }))}`);
add('two records on one line, no space', `${compact(members())}${compact(members({ name: q('second') }))}`);
add('a record followed by junk on its line', `${compact(members())} trailing junk\n${compact(members({ name: q('next') }))}`);
add('an extra closing brace', `${compact(members())}}\n${compact(members({ name: q('next') }))}`);
add('an empty object', '{}');
add('an empty object then a record', `{}\n${compact(members())}`);
add('an array of console spans', `[${compact(members())}, ${compact(members({ name: q('b') }))}]`);
add('a pretty record with a column-0 brace inside', `{\n"name": "x",\n"attributes":\n{"gen_ai.request.model": "m"},\n"context": ${ctx(TRACE, SPAN)},\n"kind": "SpanKind.INTERNAL"\n}`);
add('control character inside a string (invalid JSON)', compact(members({ name: '"tab\there"' })));
add('raw newline inside a string', compact(members({ name: '"line\nbreak"' })));
add('trailing comma (invalid JSON)', `${compact(members()).slice(0, -1)},}`);
add('single-quoted value (invalid JSON)', compact(members({ name: "'single'" })));
add('leading zeros (invalid JSON)', compact(withAttributes([['gen_ai.usage.input_tokens', '012']])));
add('bad literal (invalid JSON)', compact(withAttributes([['x', 'tru']])));
add('bad escape (invalid JSON)', compact(members({ name: '"bad \\x escape"' })));
add('short \\u escape (invalid JSON)', compact(members({ name: '"bad \\u12 escape"' })));
add('a node inspect record', "{\n  name: 'x',\n  traceId: 'abc'\n}");
add('deeply nested value in an unwanted attribute', compact(withAttributes([['deep', `${'['.repeat(600)}1${']'.repeat(600)}`], ['gen_ai.request.model', q('m')]])));
add('nested value just under and over the scanner depth', `${compact(withAttributes([['deep', `${'{"a":'.repeat(505)}1${'}'.repeat(505)}`]]))}\n${compact(withAttributes([['deep', `${'{"a":'.repeat(515)}1${'}'.repeat(515)}`]]))}`);
add('deeply nested wanted meta', compact(withAttributes([['span_kind', q('trace_run')], ['meta', `{"x":${'['.repeat(600)}1${']'.repeat(600)}}`]])));

/** The invalid UTF-8 case is built from bytes. */
function caseBytes(label: string, text: string): Buffer {
  if (text !== 'placeholder:invalid-utf8') return Buffer.from(text);
  const [head, tail] = compact(members({ name: '"@@"', attributes: rawObject([['gen_ai.request.model', '"##"'], ['x\u00ff', '"y"']]) })).split('@@');
  const [middle, end] = tail.split('##');
  return Buffer.concat([
    Buffer.from(head),
    Buffer.from([0x61, 0xff, 0x62, 0xc3, 0x28, 0xe2, 0x82, 0xf0, 0x9f, 0x98]),
    Buffer.from(middle),
    Buffer.from([0xed, 0xa0, 0x80, 0xc0, 0xaf, 0x7a]),
    Buffer.from(end),
    Buffer.from(`\n${compact(members())}\n`),
  ]);
}

describe('fast path equivalence on adversarial records', () => {
  for (const [label, text] of CASES) {
    it(label, () => {
      const record = caseBytes(label, text);
      const documents: [string, Buffer][] = [
        ['alone', record],
        ['alone with a final newline', Buffer.concat([record, Buffer.from('\n')])],
        ['between plain records', Buffer.concat([Buffer.from(`${normalRecord(1)}\n`), record, Buffer.from(`\n${normalRecord(2, true)}\n${normalRecord(3)}`)])],
        ['after a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), record, Buffer.from(`\n${normalRecord(4)}\n`)])],
      ];
      for (const [where, bytes] of documents) {
        for (const size of [undefined, 1, 7, 64, 300, 4096]) {
          if (size === 1 && bytes.length > 20_000) continue;
          const { plain, fast } = ingestBoth(bytes, size);
          expect(fast, `${where}, piece size ${size ?? 'whole'}`).toEqual(plain);
        }
      }
    });
  }

  it('the fast path takes the plain variants it should', () => {
    // Canonical shapes it exists for: if it refused these, the fast path would be dead code.
    const taken = [
      compact(members()),
      pretty(members()),
      compact(members({ parent_id: 'null', status: 'null', attributes: 'null' })),
      compact(members({ parent_id: undefined, status: undefined, attributes: undefined, end_time: 'null' })),
      compact(members({ name: '"caf\\u00e9 \\"q\\""' })),
      compact(members({ name: q('日本 🚀') })),
      compact(withAttributes([['tag.tags', q(['a'])], ['meta', q({ a: 1 })], ['gen_ai.usage.input_tokens', '1e400']])),
      compact(members({ status: q({ status_code: 'error' }) })),
      compact(members({ context: ctx('trace-abc', 'span-xyz') })),
      compact(members({ start_time: q('2026-11-20T00:00:00Z') })),
    ];
    for (const text of taken) {
      const { plain, fast, fastRecords } = ingestBoth(`${text}\n`);
      expect(fast).toEqual(plain);
      expect(fastRecords, text.slice(0, 120)).toBe(1);
    }
  });

  it('a very long (1 MB) string attribute', () => {
    const long = 'x'.repeat(1 << 20);
    const longUnicode = 'é日'.repeat(1 << 18);
    const text = [
      compact(withAttributes([['payload', q(long)], ['gen_ai.request.model', q('m')]])),
      compact(withAttributes([['gen_ai.request.model', q(long)]])),
      compact(members({ name: q(longUnicode) })),
      compact(withAttributes([['session.id', q(`${longUnicode}\\"`)]])),
      normalRecord(9),
    ].join('\n');
    for (const size of [undefined, 65_536, 1_000_003]) expectSame(text, size);
  });

  it('more records than one scanner call holds, with more wanted attributes than its buffer holds', () => {
    const wanted: Member[] = DERIVE_ATTRIBUTE_KEYS.slice(0, 24).map((key, i) => [key, i % 2 ? String(i) : q(`v${i}`)]);
    const lines: string[] = [];
    for (let n = 0; n < 4200; n++) {
      const hex = (n + 1).toString(16).padStart(16, '0');
      lines.push(compact(members({ name: q(`s${n}`), context: ctx(`0x${hex}${hex}`, `0x${hex}`), attributes: rawObject(n % 3 === 0 ? wanted : [['gen_ai.request.model', q(`m${n}`)]]) })));
      if (n % 1000 === 999) lines.push(pretty(members({ name: q(`p${n}`) })));
    }
    const text = `${lines.join('\n')}\n`;
    for (const size of [undefined, 65_536, 1_000_000]) {
      const { plain, fast, fastRecords } = ingestBoth(text, size);
      expect(fast).toEqual(plain);
      expect(fastRecords).toBe(plain.spans.length);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Generated console spans.
// ---------------------------------------------------------------------------------------------

/** A raw token (NaN, 1e400 …) put where a string placeholder was, after JSON.stringify. */
const RAW = '\u0000RAW:';
const rawToken = fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e400', '-0', '1E2', '0.1e-5', '-1e-400', '12345678901234567890').map((token) => `${RAW}${token}`);

const loneSurrogate = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');
const weirdString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 4 }), loneSurrogate, fc.string({ maxLength: 4 })).map(([a, s, b]) => a + s + b) },
  { weight: 2, arbitrary: fc.constantFrom('', '"', '\\', '\\ud800', '\n', '\u2028', 'é', '日本', '🚀', '{', '}', '[', ']') },
);

const hexDigits = (length: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: length, maxLength: length });
const idOf = (length: number) =>
  fc.oneof(
    { weight: 6, arbitrary: hexDigits(length).map((hex) => `0x${hex}`) },
    hexDigits(length),
    hexDigits(length).map((hex) => `0X${hex.toUpperCase()}`),
    hexDigits(length).map((hex) => hex.toUpperCase()),
    fc.constant(`0x${'0'.repeat(length)}`),
    fc.constant('0'.repeat(length)),
    hexDigits(length).map((hex) => Buffer.from(hex, 'hex').toString('base64')),
    hexDigits(length).map((hex) => Buffer.from(hex, 'hex').toString('base64url')),
    hexDigits(length).map((hex) => ` ${hex}`),
    weirdString,
  );

const ABSENT = Symbol('absent');
/** Usually `arb`, sometimes absent (1 in 1 + presentWeight). */
const maybe = <T>(arb: fc.Arbitrary<T>, presentWeight = 8) => fc.oneof({ weight: presentWeight, arbitrary: arb }, { weight: 1, arbitrary: fc.constant(ABSENT) });

const isoDate = fc.date({ min: new Date('1950-01-01T00:00:00Z'), max: new Date('2200-12-31T23:59:59Z'), noInvalidDate: true });
const time = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(isoDate, fc.integer({ min: 0, max: 999 })).map(([d, us]) => d.toISOString().replace('Z', `${String(us).padStart(3, '0')}Z`)) },
  isoDate.map((d) => d.toISOString()),
  isoDate.map((d) => d.toISOString().replace(/\.\d+Z$/, 'Z')),
  isoDate.map((d) => d.toISOString().replace('Z', '123456Z')),
  isoDate.map((d) => d.toISOString().replace('Z', '000+00:00')),
  isoDate.map((d) => d.toISOString().replace('Z', '000-05:30')),
  isoDate.map((d) => d.getTime() / 1000),
  isoDate.map((d) => d.getTime() * 1000),
  isoDate.map((d) => String(d.getTime())),
  fc.constantFrom(null, '2026-02-30T00:00:00.000000Z', '2026-11-20T24:00:00.000000Z', '1969-12-31T23:59:59.999999Z', '2026-11-20t00:00:00.000000z', '', 0, -1),
  weirdString,
);

const status = fc.oneof(
  { weight: 6, arbitrary: fc.record({ status_code: fc.constantFrom('UNSET', 'OK', 'ERROR') }) },
  fc.record({ status_code: fc.constantFrom('UNSET', 'OK', 'ERROR', 'error', 'Ok', 'StatusCode.ERROR', 'STATUS_CODE_OK', 'FAILED', ''), description: fc.oneof(weirdString, fc.constant(null)) }, { requiredKeys: [] }),
  fc.record({ status_code: fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constant(null)) }),
  fc.constantFrom(null, 'OK', 2, [] as unknown[]),
);

/** Values that mean something to derivation, for the wanted keys. */
const meaningful = fc.oneof(
  fc.constantFrom('LLM', 'CHAIN', 'chat', 'workflow', '"CHAT_MODEL"', 'ai.generateText.doGenerate', 'generation', 'run', 'task', 'model_call', 'checkpoint', 'execution'),
  fc.constantFrom('trace_run', 'grader', 'grader.criterion', 'message', 'tool', 'event', 'assistant', 'user', 'True', 'false', 'completed', 'ERROR', 'TRUNCATED'),
  fc.constantFrom('{"input_tokens": 3, "output_tokens": 4}', '{"total_cost": 0.2}', '["a","b"]', '{"k":1}', '{', '[', '12', ' 7 ', '1e3'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
);
const attributeValue = fc.oneof(
  { weight: 6, arbitrary: meaningful },
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: weirdString },
  { weight: 1, arbitrary: rawToken },
);
const attributeKey = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...DERIVE_ATTRIBUTE_KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }, { weight: 1, arbitrary: fc.constantFrom('__proto__', 'toString', 'constructor', 'payload', 'gen_ai.prompt') });
const attributes = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.tuple(attributeKey, attributeValue), { maxLength: 10 }).map((entries) => Object.fromEntries(entries)) },
  fc.constantFrom(null, [] as unknown[], 'attrs', 5),
);

const consoleSpan = fc
  .record({
    name: maybe(fc.oneof({ weight: 6, arbitrary: weirdString }, { weight: 1, arbitrary: fc.constantFrom(null, 3, 'trace_run', 'policy_gate.check', 'agent_session', 'invoke_agent x', 'execute_tool y') })),
    traceId: maybe(idOf(32), 40),
    spanId: maybe(idOf(16), 40),
    contextExtra: fc.dictionary(fc.constantFrom('trace_state', 'is_remote', 'x'), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }),
    kind: maybe(fc.oneof({ weight: 8, arbitrary: fc.constantFrom('SpanKind.INTERNAL', 'SpanKind.CLIENT', 'SpanKind.SERVER', 'SpanKind.PRODUCER', 'SpanKind.CONSUMER') }, { weight: 1, arbitrary: fc.oneof(weirdString, fc.constant('SpanKind.')) }), 40),
    parentId: maybe(fc.oneof(idOf(16), fc.constant(null), fc.constant(''))),
    startTime: maybe(time),
    endTime: maybe(time),
    status: maybe(status),
    attributes: maybe(attributes),
    events: maybe(fc.array(fc.oneof(fc.record({ name: weirdString, timestamp: time, attributes: fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }) }), fc.jsonValue({ maxDepth: 2 })), { maxLength: 2 })),
    links: maybe(fc.array(fc.record({ context: fc.record({ trace_id: idOf(32), span_id: idOf(16) }), attributes: fc.constant(null) }), { maxLength: 1 })),
    resource: maybe(fc.record({ attributes: fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 2 }), schema_url: fc.constant('') })),
    extra: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 2 }),
  })
  .map((spec) => {
    const entries: [string, unknown][] = [];
    const put = (key: string, value: unknown) => {
      if (value !== ABSENT) entries.push([key, value]);
    };
    put('name', spec.name);
    const context: [string, unknown][] = [];
    if (spec.traceId !== ABSENT) context.push(['trace_id', spec.traceId]);
    if (spec.spanId !== ABSENT) context.push(['span_id', spec.spanId]);
    context.push(...Object.entries(spec.contextExtra));
    entries.push(['context', Object.fromEntries(context)]);
    put('kind', spec.kind);
    put('parent_id', spec.parentId);
    put('start_time', spec.startTime);
    put('end_time', spec.endTime);
    put('status', spec.status);
    put('attributes', spec.attributes);
    put('events', spec.events);
    put('links', spec.links);
    put('resource', spec.resource);
    for (const [key, value] of Object.entries(spec.extra)) if (!entries.some(([k]) => k === key)) entries.push([key, value]);
    return Object.fromEntries(entries) as Record<string, unknown>;
  });

/** What OTel Python writes: every record one the fast path takes. */
const plainSpan = fc
  .record({
    name: fc.string({ unit: 'grapheme', maxLength: 30 }),
    trace: hexDigits(32),
    span: hexDigits(16),
    parent: fc.option(hexDigits(16)),
    start: fc.tuple(isoDate, fc.integer({ min: 0, max: 999 })),
    durationUs: fc.integer({ min: -5, max: 10_000_000 }),
    status: fc.constantFrom('UNSET', 'OK', 'ERROR'),
    attributes: fc.dictionary(fc.constantFrom(...DERIVE_ATTRIBUTE_KEYS, 'payload', 'x.y'), fc.oneof(meaningful.filter((v) => typeof v !== 'string' || !v.startsWith(RAW)), fc.jsonValue({ maxDepth: 2 })), { maxKeys: 8 }),
  })
  .map((s) => {
    const startMs = s.start[0].getTime();
    const iso = (ms: number, us: number) => new Date(ms).toISOString().replace('Z', `${String(us).padStart(3, '0')}Z`);
    const endTotalUs = startMs * 1000 + s.start[1] + s.durationUs;
    return {
      name: s.name,
      context: { trace_id: `0x${s.trace}`, span_id: `0x${s.span}`, trace_state: '[]' },
      kind: 'SpanKind.INTERNAL',
      parent_id: s.parent === null ? null : `0x${s.parent}`,
      start_time: iso(startMs, s.start[1]),
      end_time: iso(Math.floor(endTotalUs / 1000), ((endTotalUs % 1000) + 1000) % 1000),
      status: { status_code: s.status },
      attributes: s.attributes,
      events: [],
      links: [],
      resource: { attributes: { 'service.name': 'svc' }, schema_url: '' },
    };
  });

const layout = fc.constantFrom<number | undefined>(undefined, undefined, 2, 4);

function serialize(value: unknown, indent: number | undefined): string {
  const text = JSON.stringify(value, null, indent);
  // Placeholders become their raw tokens: "\u0000RAW:NaN" → NaN.
  return text.replace(/"\\u0000RAW:([^"]*)"/g, '$1');
}

const document = fc.record({
  /** A plain first record keeps the fast path asked about the wild ones after it. */
  lead: fc.option(plainSpan, { freq: 4, nil: null }),
  records: fc.array(fc.tuple(consoleSpan, layout), { minLength: 1, maxLength: 6 }),
  crlf: fc.boolean(),
  crlfInside: fc.boolean(),
  /** A line of noise somewhere (one document in four). */
  garbage: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.constantFrom('INFO hello', '{ stray', '[1, 2', '{"a": 1}', 'NaN', '', '   ', '}', '{"name": "cut', '{}')) }),
  /** The text cut at some byte (one document in four). */
  cut: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat() }),
  bom: fc.boolean(),
});

type Doc = typeof document extends fc.Arbitrary<infer T> ? T : never;

function buildDocument(doc: Doc): Buffer {
  const eol = doc.crlf ? '\r\n' : '\n';
  const all: [unknown, number | undefined][] = doc.lead === null ? doc.records : [[doc.lead, 4], ...doc.records];
  const texts = all.map(([value, indent]) => {
    const text = serialize(value, indent);
    return doc.crlfInside ? text.replace(/\n/g, '\r\n') : text;
  });
  if (doc.garbage !== null) texts.splice(doc.garbage[0] % (texts.length + 1), 0, doc.garbage[1]);
  let bytes = Buffer.from(`${doc.bom ? '\ufeff' : ''}${texts.join(eol)}${eol}`);
  if (doc.cut !== null) bytes = bytes.subarray(0, doc.cut % (bytes.length + 1));
  return bytes;
}

describe('fast path equivalence on generated console spans', () => {
  it('agrees whole and in arbitrary pieces', () => {
    let taken = 0;
    let total = 0;
    fc.assert(
      fc.property(document, fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 2 }), (doc, sizes) => {
        const bytes = buildDocument(doc);
        const whole = ingestBoth(bytes);
        expect(whole.fast).toEqual(whole.plain);
        taken += whole.fastRecords;
        total += doc.records.length + (doc.lead === null ? 0 : 1);
        for (const size of sizes) {
          const pieces = ingestBoth(bytes, size);
          expect(pieces.fast).toEqual(pieces.plain);
        }
      }),
      { numRuns: 200 },
    );
    // The generator must exercise the fast path, not only the JavaScript one.
    expect(taken).toBeGreaterThan(total / 4);
  });

  it('agrees on plain OTel-Python-like spans (mostly taken by the fast path)', () => {
    let taken = 0;
    let total = 0;
    fc.assert(
      fc.property(fc.array(fc.tuple(plainSpan, layout), { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 500 }), (records, size) => {
        const text = `${records.map(([value, indent]) => serialize(value, indent)).join('\n')}\n`;
        const whole = ingestBoth(text);
        expect(whole.fast).toEqual(whole.plain);
        const pieces = ingestBoth(text, size);
        expect(pieces.fast).toEqual(pieces.plain);
        taken += whole.fastRecords;
        total += records.length;
      }),
      { numRuns: 200 },
    );
    expect(taken).toBeGreaterThan(total / 2);
  });
});

describe('countByte (the tailer counts a piece line breaks with it)', () => {
  it('counts a byte in any range as a plain loop does, across the 16-byte blocks and their tails', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), fc.constantFrom(0x0a, 0x7b, 0x00, 0xff), (array, a, b, byte) => {
        const bytes = Buffer.from(array);
        const start = bytes.length === 0 ? 0 : a % (bytes.length + 1);
        const end = start + (bytes.length - start === 0 ? 0 : b % (bytes.length - start + 1));
        let expected = 0;
        for (let i = start; i < end; i++) if (bytes[i] === byte) expected++;
        expect(addon!.countByte(bytes, byte, start, end)).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a range outside the bytes', () => {
    expect(() => addon!.countByte(Buffer.from('ab\n'), 0x0a, 0, 4)).toThrow(/bad arguments/);
    expect(() => addon!.countByte(Buffer.from('ab\n'), 0x0a, 2, 1)).toThrow(/bad arguments/);
  });
});

describe('strings repeated from the previous record', () => {
  const TRACE_ID = '0x0af7651916cd43dd8448eb211c80319c';
  const record = (n: number, trace: string, attributes: string) =>
    `{"name":"s${n}","context":{"trace_id":"${trace}","span_id":"0x${n.toString(16).padStart(16, '0')}"},"kind":"SpanKind.INTERNAL",` +
    `"start_time":"2026-11-20T00:00:0${n}.000000Z","end_time":"2026-11-20T00:00:0${n}.500000Z","attributes":{${attributes}}}`;

  it('reuses the trace id and equal attribute strings only where the bytes are the same', () => {
    const lines = [
      record(1, TRACE_ID, '"session.id":"a\\u00e9","gen_ai.request.model":"m1","gen_ai.operation.name":"chat"'),
      // Same session bytes (escaped), same model; the trace id in upper case is another string of bytes.
      record(2, TRACE_ID.toUpperCase().replace('0X', '0x'), '"session.id":"a\\u00e9","gen_ai.request.model":"m1","gen_ai.operation.name":"chat"'),
      // A repeated key: the last value counts, and it differs from the previous record's.
      record(3, TRACE_ID, '"session.id":"a\\u00e9","session.id":"b","gen_ai.request.model":"m2"'),
      // Equal to the previous record's first value of the key, not its last (which counts).
      record(4, TRACE_ID, '"session.id":"a\\u00e9","gen_ai.request.model":"m2","gen_ai.usage.input_tokens":5'),
      // Same text, one escaped and one not: different bytes, same value.
      record(5, TRACE_ID, '"session.id":"\\u0062","gen_ai.request.model":"m2"'),
      record(6, TRACE_ID, '"session.id":"b","gen_ai.request.model":"m2"'),
    ];
    const text = `${lines.join('\n')}\n`;
    expect(expectSame(text)).toBe(6);
    for (const size of [1, 64, 300]) expectSame(text, size);
    const { fast } = ingestBoth(text);
    expect(fast.spans.map((span) => [span.traceId, span.sessionKey, span.model])).toEqual([
      ['0af7651916cd43dd8448eb211c80319c', 'aé', 'm1'],
      ['0af7651916cd43dd8448eb211c80319c', 'aé', 'm1'],
      ['0af7651916cd43dd8448eb211c80319c', 'b', 'm2'],
      ['0af7651916cd43dd8448eb211c80319c', 'aé', 'm2'],
      ['0af7651916cd43dd8448eb211c80319c', 'b', 'm2'],
      ['0af7651916cd43dd8448eb211c80319c', 'b', 'm2'],
    ]);
  });
});
