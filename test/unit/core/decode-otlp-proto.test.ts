/**
 * The protobuf decoder against messages written byte by byte with the field numbers of
 * opentelemetry-proto (trace.proto, common.proto, resource.proto), so a wrong number in the
 * decoder's descriptor fails here; then the payload decoder (zstd, JSON, errors).
 */
import { describe, expect, it } from 'vitest';
import { adaptRecord } from '../../../src/core/ingest/adapt-record';
import { decodeCollectorPayload, decodeOtlpTracesProto, describePayloadFormat } from '../../../src/core/ingest/decode-otlp-proto';

// A minimal protobuf writer: each helper returns one field's bytes.
function varint(value: bigint | number): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v > 0n ? byte | 0x80 : byte);
  } while (v > 0n);
  return out;
}
const tag = (field: number, wireType: number) => varint((field << 3) | wireType);
const message = (field: number, ...parts: number[][]) => {
  const body = parts.flat();
  return [...tag(field, 2), ...varint(body.length), ...body];
};
const bytesField = (field: number, bytes: number[] | Buffer) => message(field, [...bytes]);
const str = (field: number, text: string) => bytesField(field, Buffer.from(text));
const hex = (field: number, text: string) => bytesField(field, Buffer.from(text, 'hex'));
const uint = (field: number, value: number | bigint) => [...tag(field, 0), ...varint(value)];
const fixed64 = (field: number, value: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(value);
  return [...tag(field, 1), ...b];
};
const fixed32 = (field: number, value: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value);
  return [...tag(field, 5), ...b];
};
const double = (field: number, value: number) => {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value);
  return [...tag(field, 1), ...b];
};

// common.proto: KeyValue {key 1, value 2}; AnyValue {string 1, bool 2, int 3, double 4, array 5, kvlist 6, bytes 7}
const keyValue = (field: number, key: string, anyValue: number[] | null) => message(field, str(1, key), anyValue === null ? [] : message(2, anyValue));
const attribute = (key: string, anyValue: number[] | null) => keyValue(9, key, anyValue);

const TRACE = '0AF7651916CD43DD8448EB211C80319C'.toLowerCase();

/** A Span with every field (trace.proto numbers). */
const span = [
  ...hex(1, TRACE),
  ...hex(2, 'b7ad6b7169203331'),
  ...str(3, 'vendor=1'),
  ...hex(4, '00f067aa0ba902b7'),
  ...fixed32(16, 0x301),
  ...str(5, 'llm.call'),
  ...uint(6, 3),
  ...fixed64(7, 1779000000100000000n),
  ...fixed64(8, 1779000001350000000n),
  ...attribute('s', str(1, 'hé')),
  ...attribute('empty', str(1, '')),
  ...attribute('t', uint(2, 1)),
  ...attribute('f', uint(2, 0)),
  ...attribute('n', uint(3, -42n)),
  ...attribute('big', uint(3, 9007199254740993n)),
  ...attribute('d', double(4, 0.25)),
  ...attribute('inf', double(4, -Infinity)),
  ...attribute('arr', message(5, message(1, str(1, 'a')), message(1, uint(3, 1)))),
  ...attribute('kv', message(6, keyValue(1, 'inner', uint(2, 1)))),
  ...attribute('bytes', bytesField(7, [0xde, 0xad, 0xbe, 0xef])),
  ...attribute('nothing', []),
  ...attribute('missing', null),
  ...uint(10, 2),
  // Event {time 1, name 2, attributes 3}
  ...message(11, fixed64(1, 1779000000200000000n), str(2, 'exception'), keyValue(3, 'exception.message', str(1, 'boom'))),
  ...uint(12, 0),
  // Link {trace_id 1, span_id 2, trace_state 3, attributes 4, dropped 5, flags 6}
  ...message(13, hex(1, '4bf92f3577b34da6a3ce929d0e0e4736'), hex(2, '00f067aa0ba902b7'), str(3, ''), keyValue(4, 'link.kind', str(1, 'retry')), fixed32(6, 0x100)),
  // Status {message 2, code 3}
  ...message(15, str(2, 'rate limited'), uint(3, 2)),
  // A field this decoder does not know (as a later proto version might add): skipped.
  ...str(99, 'future'),
];

/** ExportTraceServiceRequest {resource_spans 1}: ResourceSpans {resource 1, scope_spans 2, schema_url 3}; ScopeSpans {scope 1, spans 2, schema_url 3}. */
const request = Buffer.from(
  message(
    1,
    message(1, keyValue(1, 'service.name', str(1, 'agent-svc')), uint(2, 0), message(3, str(1, 'https://schema'), str(2, 'service'))),
    message(2, message(1, str(1, 'lib'), str(2, '1.0'), keyValue(3, 'scope.attr', str(1, 'x'))), message(2, span), str(3, 'https://opentelemetry.io/schemas/1.26.0')),
    str(3, 'https://opentelemetry.io/schemas/1.26.0'),
  ),
);

describe('decodeOtlpTracesProto', () => {
  it('decodes every span field into the OTLP/JSON shape', () => {
    const value = decodeOtlpTracesProto(request) as any;
    const resourceSpans = value.resourceSpans[0];
    expect(resourceSpans.resource.attributes).toEqual([{ key: 'service.name', value: { stringValue: 'agent-svc' } }]);
    expect(resourceSpans.resource.entityRefs).toEqual([{ schemaUrl: 'https://schema', type: 'service' }]);
    expect(resourceSpans.schemaUrl).toBe('https://opentelemetry.io/schemas/1.26.0');
    expect(resourceSpans.scopeSpans[0].scope).toEqual({ name: 'lib', version: '1.0', attributes: [{ key: 'scope.attr', value: { stringValue: 'x' } }] });
    const decoded = resourceSpans.scopeSpans[0].spans[0];
    expect(decoded).toMatchObject({
      traceId: TRACE,
      spanId: 'b7ad6b7169203331',
      parentSpanId: '00f067aa0ba902b7',
      traceState: 'vendor=1',
      flags: 0x301,
      name: 'llm.call',
      kind: 3,
      startTimeUnixNano: '1779000000100000000',
      endTimeUnixNano: '1779000001350000000',
      droppedAttributesCount: 2,
      status: { message: 'rate limited', code: 2 },
    });
    expect(decoded).not.toHaveProperty('future');
    expect(decoded.attributes).toEqual([
      { key: 's', value: { stringValue: 'hé' } },
      { key: 'empty', value: { stringValue: '' } },
      { key: 't', value: { boolValue: true } },
      { key: 'f', value: { boolValue: false } },
      { key: 'n', value: { intValue: '-42' } },
      { key: 'big', value: { intValue: '9007199254740993' } },
      { key: 'd', value: { doubleValue: 0.25 } },
      { key: 'inf', value: { doubleValue: '-Infinity' } },
      { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }] } } },
      { key: 'kv', value: { kvlistValue: { values: [{ key: 'inner', value: { boolValue: true } }] } } },
      { key: 'bytes', value: { bytesValue: '3q2+7w==' } },
      { key: 'nothing', value: {} },
      { key: 'missing' },
    ]);
    expect(decoded.events).toEqual([{ timeUnixNano: '1779000000200000000', name: 'exception', attributes: [{ key: 'exception.message', value: { stringValue: 'boom' } }] }]);
    expect(decoded.links).toEqual([
      // An empty trace_state is proto3's default: left out, as OTLP/JSON leaves it out.
      { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', attributes: [{ key: 'link.kind', value: { stringValue: 'retry' } }], flags: 0x100 },
    ]);
  });

  it('gives the OTLP adapter what it needs for a normalized span', () => {
    const adapted = adaptRecord(decodeOtlpTracesProto(request));
    if (!adapted.isTrace) throw new Error('not a trace');
    expect(adapted.format).toBe('otlp-json');
    expect(adapted.spans).toHaveLength(1);
    expect(adapted.spans[0]).toMatchObject({
      traceId: TRACE,
      parentSpanId: '00f067aa0ba902b7',
      kind: 'client',
      startNs: 1779000000100000000n,
      status: 'error',
      statusMessage: 'rate limited',
      attributes: { s: 'hé', empty: '', t: true, f: false, n: -42, big: '9007199254740993', d: 0.25, inf: '-Infinity', arr: ['a', 1], kv: { inner: true }, bytes: '3q2+7w==', nothing: null, missing: null },
      events: [{ name: 'exception', timeNs: 1779000000200000000n, attributes: { 'exception.message': 'boom' } }],
      links: [{ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', attributes: { 'link.kind': 'retry' } }],
      resource: { 'service.name': 'agent-svc' },
      scope: { name: 'lib', version: '1.0' },
    });
  });

  it('reads every kind and status code as an integer, and an unknown one without failing', () => {
    for (const [kind, expected] of [
      [1, 'internal'],
      [2, 'server'],
      [4, 'producer'],
      [5, 'consumer'],
      [9, 'unspecified'],
    ] as const) {
      const bytes = Buffer.from(message(1, message(2, message(2, hex(1, TRACE), hex(2, '0000000000000001'), uint(6, kind), message(15, uint(3, 1))))));
      const adapted = adaptRecord(decodeOtlpTracesProto(bytes));
      expect(adapted.isTrace && adapted.spans[0]).toMatchObject({ kind: expected, status: 'ok', parentSpanId: null });
    }
  });

  it('decodes an empty message as a request without spans', () => {
    expect(decodeOtlpTracesProto(Buffer.alloc(0))).toEqual({ resourceSpans: [] });
  });

  it('throws on bytes that are not a protobuf message', () => {
    expect(() => decodeOtlpTracesProto(Buffer.from([0x0a, 0xff, 0xff, 0xff]))).toThrow();
  });
});

/** One zstd frame holding `content` in a raw (stored) block: RFC 8878 §3.1.1. */
function rawZstdFrame(content: Buffer): Buffer {
  if (content.length > 255) throw new Error('a 1-byte content size holds at most 255');
  const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, content.length]); // single segment, 1-byte content size
  const block = (content.length << 3) | 1; // last block, raw
  return Buffer.concat([header, Buffer.from([block & 0xff, (block >> 8) & 0xff, (block >> 16) & 0xff]), content]);
}

describe('decodeCollectorPayload', () => {
  it('decodes protobuf, zstd-compressed protobuf, and zstd-compressed JSON', () => {
    const small = Buffer.from(message(1, message(2, message(2, hex(1, TRACE), hex(2, '0000000000000001'), str(5, 'one')))));
    const json = Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ traceId: TRACE, spanId: '0000000000000001', name: 'one' }] }] }] }));
    const cases: [string, Buffer, string][] = [
      ['proto', small, 'proto'],
      ['proto+zstd', rawZstdFrame(small), 'proto+zstd'],
      ['json+zstd', rawZstdFrame(json), 'json+zstd'],
      ['json', json, 'json'],
    ];
    for (const [what, payload, encoding] of cases) {
      const decoded = decodeCollectorPayload(payload);
      expect(decoded, what).toMatchObject({ ok: true, encoding });
      const adapted = adaptRecord(decoded.ok ? decoded.value : null);
      expect(adapted.isTrace && adapted.spans.map((s) => s.name), what).toEqual(['one']);
    }
  });

  it('reports a broken zstd frame, an oversized one, and bad protobuf or JSON without throwing', () => {
    const oversized = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0xe0, 0, 0, 0, 0x40, 0, 0, 0, 0]); // announces 1 GiB
    const cases: [string, Buffer, RegExp][] = [
      ['a cut header', Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), /cut short in its header/],
      ['1 GiB announced', oversized, /announcing 1073741824 bytes/],
      ['garbage after the header', Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0x05, 0xff, 0xff, 0xff]), /does not decompress/],
      ['bad protobuf', Buffer.from([0x0a, 0x05, 0x01]), /^not a protobuf OTLP trace request/],
      ['bad JSON', Buffer.from('{"resourceSpans": ['), /^OTLP\/JSON text that does not parse/],
    ];
    for (const [what, payload, reason] of cases) {
      const decoded = decodeCollectorPayload(payload);
      expect(decoded.ok, what).toBe(false);
      if (!decoded.ok) expect(decoded.reason, what).toMatch(reason);
    }
  });
});

/** A zstd frame header without a content size, its window 2^(10 + exponent) bytes (RFC 8878 §3.1.1.1.2). */
const unsizedZstdHeader = (windowExponent: number) => [0x28, 0xb5, 0x2f, 0xfd, 0x00, windowExponent << 3];
/** A block header: type 0 raw, 1 RLE, 2 compressed (RFC 8878 §3.1.1.2.1). */
function zstdBlockHeader(type: number, size: number, isLast: boolean): number[] {
  const value = (size << 3) | (type << 1) | (isLast ? 1 : 0);
  return [value & 0xff, (value >> 8) & 0xff, (value >> 16) & 0xff];
}
/** `count` RLE blocks of `size` copies of one byte: 4 bytes each. */
function rleBlocks(count: number, size: number, byte = 0x20): number[] {
  return Array.from({ length: count }, (_, i) => [...zstdBlockHeader(1, size, i === count - 1), byte]).flat();
}

describe('decodeCollectorPayload: the zstd decompressed-size cap', () => {
  const KiB = 1024;

  it('counts every concatenated frame, not only the first header', () => {
    // A small sized first frame, then frames without a content size that pass on their window
    // alone, each one RLE block of 128 KiB: 4 bytes each, 1 MiB in all.
    const frames = [rawZstdFrame(Buffer.from('{"resourceSpans": []}'))];
    for (let i = 0; i < 8; i++) frames.push(Buffer.from([...unsizedZstdHeader(7), ...rleBlocks(1, 128 * KiB)]));
    const decoded = decodeCollectorPayload(Buffer.concat(frames), { maxDecompressedBytes: 256 * KiB });
    expect(decoded).toMatchObject({ ok: false, encoding: null });
    if (!decoded.ok) expect(decoded.reason).toBe('zstd payload decompresses to more than 262144 bytes');
  });

  it('counts the RLE blocks of one frame without a content size', () => {
    const payload = Buffer.from([...unsizedZstdHeader(7), ...rleBlocks(9, 128 * KiB)]); // 1.125 MiB from 42 bytes
    const decoded = decodeCollectorPayload(payload, { maxDecompressedBytes: 1024 * KiB });
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toBe('zstd payload decompresses to more than 1 MiB');
  });

  it('holds the default cap (256 MiB) without allocating it', () => {
    // 2,100 RLE blocks of 128 KiB: 262.5 MiB from 8 KB, refused by the header walk alone.
    const payload = Buffer.from([...unsizedZstdHeader(7), ...rleBlocks(2100, 128 * KiB)]);
    const decoded = decodeCollectorPayload(payload);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toBe('zstd payload decompresses to more than 256 MiB');
  });

  it('sums the content sizes that frames announce', () => {
    // Each frame alone is under the cap, and the whole is JSON that decodes when the cap allows it.
    const blank = Buffer.alloc(250, 0x20);
    const payload = Buffer.concat([rawZstdFrame(blank), rawZstdFrame(blank), rawZstdFrame(Buffer.from('{"resourceSpans": []}'))]);
    expect(decodeCollectorPayload(payload, { maxDecompressedBytes: 600 })).toMatchObject({ ok: true, encoding: 'json+zstd' });
    const decoded = decodeCollectorPayload(payload, { maxDecompressedBytes: 512 });
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toBe('zstd payload decompresses to more than 512 bytes');
  });

  it('refuses a frame without a content size whose window fzstd would copy once per block', () => {
    // 20 one-byte blocks through a 64 KiB window: 20 bytes out, but (20 + 1) x 64 KiB copied,
    // over the 16 x 64 KiB allowed.
    const payload = Buffer.from([...unsizedZstdHeader(6), ...rleBlocks(20, 1)]);
    const decoded = decodeCollectorPayload(payload, { maxDecompressedBytes: 64 * KiB });
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.reason).toMatch(/^a zstd frame without a content size, too costly to decompress \(20 blocks through a 65536-byte window\)/);
    // The same blocks through the smallest window (1 KiB) are fine.
    const small = Buffer.from([...unsizedZstdHeader(0), ...zstdBlockHeader(0, 21, true), ...Buffer.from('{"resourceSpans": []}')]);
    expect(decodeCollectorPayload(small, { maxDecompressedBytes: 64 * KiB })).toMatchObject({ ok: true, encoding: 'json+zstd' });
  });

  it('decodes frames with and without content sizes and skippable frames under the cap', () => {
    const json = '{"resourceSpans": [{"scopeSpans": [{"spans": [{"name": "one"}]}]}]}';
    const [head, tail] = [json.slice(0, 30), json.slice(30)];
    const skippable = Buffer.from([0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    const unsized = Buffer.from([...unsizedZstdHeader(0), ...zstdBlockHeader(0, tail.length, true), ...Buffer.from(tail)]);
    const decoded = decodeCollectorPayload(Buffer.concat([rawZstdFrame(Buffer.from(head)), skippable, unsized]), { maxDecompressedBytes: 1024 });
    expect(decoded).toMatchObject({ ok: true, encoding: 'json+zstd' });
    const adapted = adaptRecord(decoded.ok ? decoded.value : null);
    expect(adapted.isTrace && adapted.spans.map((s) => s.name)).toEqual(['one']);
  });

  it('reports a frame cut short or followed by bytes that are not a frame', () => {
    const frame = rawZstdFrame(Buffer.from('{"resourceSpans": []}'));
    const cases: [string, Buffer, RegExp][] = [
      ['cut in a block', frame.subarray(0, frame.length - 3), /does not decompress: a frame cut short in a block$/],
      ['cut in a block header', Buffer.from([...unsizedZstdHeader(0), 0x01]), /does not decompress: a frame cut short in a block header$/],
      ['a second header cut short', Buffer.concat([frame, Buffer.from([0x28, 0xb5, 0x2f, 0xfd])]), /cut short in its header/],
      ['trailing bytes', Buffer.concat([frame, Buffer.from('junk')]), /does not decompress: bytes at offset \d+ that are not a zstd frame$/],
    ];
    for (const [what, payload, reason] of cases) {
      const decoded = decodeCollectorPayload(payload);
      expect(decoded.ok, what).toBe(false);
      if (!decoded.ok) expect(decoded.reason, what).toMatch(reason);
    }
  });
});

describe('describePayloadFormat', () => {
  it('names the format after the payload encoding', () => {
    expect(describePayloadFormat('otlp-json', 'proto')).toBe('otlp-proto');
    expect(describePayloadFormat('otlp-json', 'proto+zstd')).toBe('otlp-proto+zstd');
    expect(describePayloadFormat('otlp-json', 'json+zstd')).toBe('otlp-json+zstd');
    expect(describePayloadFormat('otlp-json', 'json')).toBe('otlp-json');
  });
});
