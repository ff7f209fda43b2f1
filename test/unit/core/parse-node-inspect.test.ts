import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNodeInspect } from '../../../src/core/ingest/parse-node-inspect';

/** The value, or a failure marker a table can compare against. */
function read(text: string): unknown {
  const result = parseNodeInspect(text);
  return result.isOk ? result.value : { failed: result.reason };
}

describe('parseNodeInspect', () => {
  // Each text is what Node 20's util.inspect prints (checked with `node -e`).
  const cases: { name: string; text: string; value: unknown }[] = [
    { name: 'empty object', text: '{}', value: {} },
    { name: 'bare and quoted keys', text: "{ a: 1, 'service.name': 'x', 'http-method': 'GET' }", value: { a: 1, 'service.name': 'x', 'http-method': 'GET' } },
    { name: 'key with a single quote is double-quoted', text: `{ "it's": 1 }`, value: { "it's": 1 } },
    { name: 'single-quoted string with escapes', text: "{ s: 'it\\'s\\ta \\\\ \\n' }", value: { s: "it's\ta \\ \n" } },
    { name: 'double quotes when the string holds a single quote', text: `{ s: "it's" }`, value: { s: "it's" } },
    { name: 'backticks when it holds both', text: '{ s: `it\'s "x"` }', value: { s: `it's "x"` } },
    { name: 'control characters and a lone surrogate', text: "{ s: '\\x01\\x7F\\b\\f\\v', t: 'a\\ud800b' }", value: { s: '\x01\x7f\b\f\v', t: 'a\ufffdb' } },
    { name: 'unicode escapes', text: "{ s: '\\u00e9\\u{1F600}' }", value: { s: 'é😀' } },
    { name: 'strings split over lines', text: "{\n  a: 'line one\\n' +\n    'line two\\n' +\n    `it's \"3\"`\n}", value: { a: 'line one\nline two\nit\'s "3"' } },
    { name: 'a string cut at maxStringLength', text: "{ s: 'abc'... 9997 more characters }", value: { s: 'abc... 9997 more characters' } },
    { name: 'undefined and null', text: '{ a: undefined, b: null }', value: { a: null, b: null } },
    { name: 'booleans', text: '{ t: true, f: false }', value: { t: true, f: false } },
    { name: 'numbers', text: '{ a: 0, b: -0, c: 1.5, d: -2.25e-7, e: 1e+21, f: 1778486540250123.5 }', value: { a: 0, b: -0, c: 1.5, d: -2.25e-7, e: 1e21, f: 1778486540250123.5 } },
    { name: 'NaN and infinities become strings', text: '{ a: NaN, b: Infinity, c: -Infinity }', value: { a: 'NaN', b: 'Infinity', c: '-Infinity' } },
    { name: 'bigints', text: '{ a: 123n, b: -5n, c: 12345678901234567890n }', value: { a: 123, b: -5, c: '12345678901234567890' } },
    { name: 'arrays', text: "[ 1, 'two', [ 3 ], [] ]", value: [1, 'two', [3], []] },
    { name: 'grouped numeric array', text: '[\n   1,  2,  3,\n  10, 20, 30\n]', value: [1, 2, 3, 10, 20, 30] },
    { name: 'more items', text: '[\n  0, 1,\n  ... 98 more items\n]', value: [0, 1, '... 98 more items'] },
    { name: 'one more item', text: '[ 0, ... 1 more item ]', value: [0, '... 1 more item'] },
    { name: 'depth placeholders', text: '{ a: [Object], b: [Array], c: [Resource] }', value: { a: '[Object]', b: '[Array]', c: '[Resource]' } },
    { name: 'circular references', text: '<ref *1> { a: 1, self: [Circular *1] }', value: { a: 1, self: '[Circular *1]' } },
    { name: 'functions and classes', text: '{ f: [Function: foo], g: [Function (anonymous)], h: [class Foo], i: [AsyncFunction: go] }', value: { f: '[Function: foo]', g: '[Function (anonymous)]', h: '[class Foo]', i: '[AsyncFunction: go]' } },
    { name: 'a function named by a symbol', text: '{ f: [Function: [Symbol.iterator]] }', value: { f: '[Function: [Symbol.iterator]]' } },
    { name: 'getters', text: '{ x: [Getter], y: [Getter/Setter] }', value: { x: '[Getter]', y: '[Getter/Setter]' } },
    { name: 'symbols as values and keys', text: '{ s: Symbol(x), [Symbol(k)]: 1 }', value: { s: 'Symbol(x)', '[Symbol(k)]': 1 } },
    { name: 'Map', text: "Map(2) { 'a' => 1, 2 => { b: true } }", value: { a: 1, '2': { b: true } } },
    { name: 'Map with more items', text: "Map(200) { 'a' => 1, ... 199 more items }", value: { a: 1, '...': '... 199 more items' } },
    { name: 'Set', text: "Set(2) { 1, 'b' }", value: [1, 'b'] },
    { name: 'empty Map', text: 'Map(0) {}', value: {} },
    { name: 'weak collections', text: '{ w: WeakMap { <items unknown> }, s: WeakSet { <items unknown> } }', value: { w: { '0': '<items unknown>' }, s: { '0': '<items unknown>' } } },
    { name: 'class-name prefix', text: "{ resource: Resource { _attributes: { 'service.name': 'x' }, asyncAttributesPending: false } }", value: { resource: { _attributes: { 'service.name': 'x' }, asyncAttributesPending: false } } },
    { name: 'null-prototype object', text: '[Object: null prototype] { x: 1 }', value: { x: 1 } },
    { name: 'toStringTag prefix', text: 'Object [Generator] {}', value: {} },
    { name: 'typed array', text: 'Uint8Array(3) [ 0, 1, 2 ]', value: [0, 1, 2] },
    { name: 'buffers, empty items and promises', text: '{ b: <Buffer 61 62>, e: [ <2 empty items>, 1 ], p: Promise { <pending> } }', value: { b: '<Buffer 61 62>', e: ['<2 empty items>', 1], p: { '0': '<pending>' } } },
    { name: 'boxed primitive', text: "{ s: [String: 'x'] }", value: { s: "[String: 'x']" } },
    { name: 'dates and regexps', text: '{ d: 1970-01-01T00:00:00.000Z, r: /a{2}[/]/gi }', value: { d: '1970-01-01T00:00:00.000Z', r: '/a{2}[/]/gi' } },
    { name: 'an error with its stack', text: '{\n  e: Error: boom\n      at f (/app/x.js:1:2)\n      at g (/app/y.js:3:4),\n  n: 1\n}', value: { e: 'Error: boom\n      at f (/app/x.js:1:2)\n      at g (/app/y.js:3:4)', n: 1 } },
    { name: 'array extra properties are dropped', text: "[ 1, 2, foo: 'bar' ]", value: [1, 2] },
    { name: 'CRLF line ends', text: "{\r\n  a: 'x',\r\n  b: [ 1 ]\r\n}\r\n", value: { a: 'x', b: [1] } },
    { name: 'colours from a captured terminal', text: "{ a: \x1b[32m'x'\x1b[39m, b: \x1b[33m1\x1b[39m }", value: { a: 'x', b: 1 } },
    { name: '__proto__ stays an own key', text: "{ ['__proto__']: 1 }", value: JSON.parse('{"__proto__":1}') },
    { name: 'top-level string', text: "'just text'", value: 'just text' },
  ];
  for (const c of cases) {
    it(c.name, () => expect(read(c.text)).toEqual(c.value));
  }

  const garbage: { name: string; text: string }[] = [
    { name: 'empty text', text: '' },
    { name: 'an unclosed object', text: '{ a: 1' },
    { name: 'an unclosed string', text: "{ a: 'x }" },
    { name: 'a raw line break in a string', text: "{ a: 'x\ny' }" },
    { name: 'a missing comma', text: '{ a: 1 b: 2 }' },
    { name: 'a plain object entry without a key', text: '{ 1, 2 }' },
    { name: 'a prose line in braces', text: '{ this is not an object }' },
    { name: 'a mismatched close', text: '{ a: [ 1 } ]' },
    { name: 'text after the value', text: '{ a: 1 } trailing' },
    { name: 'a bad escape', text: "{ a: '\\xZZ' }" },
    { name: 'a Map key without =>', text: "Map(1) { 'a', 1 }" },
    { name: 'an unclosed tag', text: '{ a: [Object }' },
    { name: 'a stray dot', text: '{ a: 1, . }' },
    { name: 'JSON with a hole', text: '{"a":,}' },
  ];
  for (const g of garbage) {
    it(`fails, without throwing, on ${g.name}`, () => {
      const result = parseNodeInspect(g.text);
      expect(result.isOk).toBe(false);
      if (!result.isOk) {
        expect(result.reason).not.toBe('');
        expect(result.offset).toBeGreaterThanOrEqual(0);
      }
    });
  }

  it('reads deep nesting without recursion', () => {
    const depth = 200_000;
    const text = '{ a: '.repeat(depth) + '1' + ' }'.repeat(depth);
    const result = parseNodeInspect(text);
    expect(result.isOk).toBe(true);
    const unclosed = parseNodeInspect('[ '.repeat(depth));
    expect(unclosed.isOk).toBe(false);
  });

  it('gives up on long hostile input in one pass', () => {
    for (const text of ["'".repeat(100_000), '['.repeat(100_000), '{ a: '.repeat(50_000) + "'", `{ a: ${'x'.repeat(100_000)}`, '<'.repeat(100_000)]) {
      expect(parseNodeInspect(text).isOk).toBe(false);
    }
  });

  it('reads back what console.dir prints for a ConsoleSpanExporter info object', () => {
    const info = {
      resource: { attributes: { 'service.name': 'agent', 'process.command_args': ['node', 'a.js'], nested: { a: { b: 1 } } } },
      instrumentationScope: { name: 'ai', version: '4.3.0', schemaUrl: undefined },
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanContext: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: false },
      traceState: undefined,
      name: 'ai.generateText',
      id: 'b7ad6b7169203331',
      kind: 2,
      timestamp: 1715000000123456.8,
      duration: 1234.567,
      attributes: { prompt: `It's a "test"\n${'long line '.repeat(20)}`, big: 'x'.repeat(10_050), many: Array.from({ length: 120 }, (_, i) => i) },
      status: { code: 2, message: 'boom' },
      events: [{ name: 'exception', attributes: { 'exception.stacktrace': 'Error: boom\n    at f (x.js:1:2)', list: ['a'] }, time: [1715000000, 123456789], droppedAttributesCount: 0 }],
      links: [],
    };
    const value = read(inspect(info, { depth: 3 }));
    expect(value).toEqual({
      ...info,
      resource: { attributes: { 'service.name': 'agent', 'process.command_args': ['node', 'a.js'], nested: { a: '[Object]' } } },
      instrumentationScope: { name: 'ai', version: '4.3.0', schemaUrl: null },
      traceState: null,
      attributes: {
        prompt: info.attributes.prompt,
        big: `${'x'.repeat(10_000)}... 50 more characters`,
        many: [...info.attributes.many.slice(0, 100), '... 20 more items'],
      },
      events: [{ ...info.events[0], attributes: { 'exception.stacktrace': 'Error: boom\n    at f (x.js:1:2)', list: '[Array]' } }],
    });
  });

  it('reads back any JSON value util.inspect prints in full, at any line width', () => {
    const wellFormed = fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => s.isWellFormed());
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, fc.constant(null), fc.boolean(), fc.double(), fc.integer(), wellFormed, tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 12 }),
      object: fc.dictionary(wellFormed, tie('value'), { maxKeys: 6 }),
    })).value;
    fc.assert(
      fc.property(json, fc.integer({ min: 20, max: 200 }), fc.constantFrom(3, 1, false), (value, breakLength, compact) => {
        const text = inspect(value, { depth: Infinity, maxArrayLength: Infinity, maxStringLength: Infinity, breakLength, compact });
        const expected = JSON.parse(JSON.stringify(value, (_key, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : Object.is(v, -0) ? 0 : v)));
        const back = parseNodeInspect(text);
        expect(back.isOk, text).toBe(true);
        expect(JSON.parse(JSON.stringify((back as { value: unknown }).value, (_key, v) => (Object.is(v, -0) ? 0 : v)))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary text', () => {
    const alphabet = fc.constantFrom('{', '}', '[', ']', "'", '"', '`', ':', ',', ' ', '\n', '\\', '<', '>', '=>', '+', '...', 'a', '1', 'n', '[Object]', 'Map(1) ', '/', 'Error: x\n    at y');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }).map((parts) => parts.join('')), (text) => {
        const result = parseNodeInspect(text);
        expect(typeof result.isOk).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});
