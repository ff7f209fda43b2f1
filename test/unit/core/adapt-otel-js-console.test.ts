import { describe, expect, it } from 'vitest';
import { adaptOtelJsConsoleSpan } from '../../../src/core/ingest/adapt-otel-js';
import { adaptRecord } from '../../../src/core/ingest/adapt-record';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A ConsoleSpanExporter info object (SDK 2.x shape) as parse-node-inspect returns it. */
function makeInfo(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resource: { attributes: { 'service.name': 'agent' } },
    instrumentationScope: { name: 'ai', version: '4.3.0', schemaUrl: null },
    traceId: TRACE,
    parentSpanContext: null,
    traceState: null,
    name: 'span',
    id: '00f067aa0ba902b7',
    kind: 0,
    timestamp: 1778486540250000,
    duration: 1000,
    attributes: {},
    status: { code: 0 },
    events: [],
    links: [],
    ...fields,
  };
}

describe('OTel-JS ConsoleSpanExporter info objects', () => {
  it('are classified as otel-js-console, before Zipkin whose spans also have traceId + id + timestamp', () => {
    expect(adaptRecord(makeInfo())).toMatchObject({ isTrace: true, format: 'otel-js-console' });
    const zipkin = { traceId: TRACE, id: '00f067aa0ba902b7', name: 'get', timestamp: 1778486540250000, duration: 1000, kind: 'CLIENT', localEndpoint: { serviceName: 'a' } };
    expect(adaptRecord(zipkin)).toMatchObject({ isTrace: true, format: 'zipkin' });
  });

  it('are recognised when JSON.stringify dropped the undefined parentId', () => {
    const { parentSpanContext: _dropped, ...info } = makeInfo();
    expect(adaptRecord(JSON.parse(JSON.stringify(info)))).toMatchObject({ isTrace: true, format: 'otel-js-console' });
  });

  const kinds: [number, string][] = [
    [0, 'internal'],
    [1, 'server'],
    [2, 'client'],
    [3, 'producer'],
    [4, 'consumer'],
    [9, 'unspecified'],
  ];
  for (const [kind, name] of kinds) {
    it(`reads the JS SpanKind ${kind} as ${name}`, () => expect(adaptOtelJsConsoleSpan(makeInfo({ kind })).kind).toBe(name));
  }

  const times: { name: string; timestamp: number; duration: number; startNs: bigint | null; endNs: bigint | null }[] = [
    { name: 'whole µs', timestamp: 1778486540250000, duration: 1000, startNs: 1778486540250000000n, endNs: 1778486540251000000n },
    { name: 'fractions read from the printed text', timestamp: 1778486540250123.5, duration: 812.25, startNs: 1778486540250123500n, endNs: 1778486540250935750n },
    { name: 'sub-µs duration', timestamp: 1778486540250000, duration: 0.001, startNs: 1778486540250000000n, endNs: 1778486540250000001n },
    { name: 'zero duration', timestamp: 1778486540250000, duration: 0, startNs: 1778486540250000000n, endNs: 1778486540250000000n },
    { name: 'no start', timestamp: 0, duration: 5, startNs: null, endNs: null },
    { name: 'negative duration', timestamp: 1778486540250000, duration: -3, startNs: 1778486540250000000n, endNs: null },
  ];
  for (const t of times) {
    it(`converts µs times: ${t.name}`, () => {
      const span = adaptOtelJsConsoleSpan(makeInfo({ timestamp: t.timestamp, duration: t.duration }));
      expect([span.startNs, span.endNs]).toEqual([t.startNs, t.endNs]);
    });
  }

  it('takes the parent from parentSpanContext (SDK 2.x) or parentId (1.x), a root from neither', () => {
    expect(adaptOtelJsConsoleSpan(makeInfo({ parentSpanContext: { traceId: TRACE, spanId: 'B7AD6B7169203331' } })).parentSpanId).toBe('b7ad6b7169203331');
    const { parentSpanContext: _none, ...sdk1 } = makeInfo();
    expect(adaptOtelJsConsoleSpan({ ...sdk1, parentId: 'b7ad6b7169203331' }).parentSpanId).toBe('b7ad6b7169203331');
    expect(adaptOtelJsConsoleSpan({ ...sdk1, parentId: null }).parentSpanId).toBeNull();
    expect(adaptOtelJsConsoleSpan({ ...sdk1, parentId: '' }).parentSpanId).toBeNull();
  });

  it('reads status, events with HrTime and links', () => {
    const span = adaptOtelJsConsoleSpan(
      makeInfo({
        status: { code: 2, message: 'boom' },
        events: [{ name: 'exception', attributes: { 'exception.type': 'Error' }, time: [1778486540, 500], droppedAttributesCount: 0 }, '[Object]'],
        links: [{ context: { traceId: TRACE, spanId: '1f2e3d4c5b6a7988', traceFlags: 1 }, attributes: {}, droppedAttributesCount: 0 }],
      }),
    );
    expect(span).toMatchObject({
      status: 'error',
      statusMessage: 'boom',
      events: [{ name: 'exception', timeNs: 1778486540000000500n, attributes: { 'exception.type': 'Error' } }],
      links: [{ traceId: TRACE, spanId: '1f2e3d4c5b6a7988', attributes: {} }],
    });
  });

  it('keeps what the depth limit left: placeholders stay as written, cut objects read as empty', () => {
    const span = adaptOtelJsConsoleSpan(
      makeInfo({
        resource: { attributes: '[Object]' },
        attributes: { 'llm.messages': '[Array]' },
        events: [{ name: 'token', attributes: '[Object]', time: '[Array]' }],
      }),
    );
    expect(span).toMatchObject({ resource: {}, attributes: { 'llm.messages': '[Array]' }, events: [{ name: 'token', timeNs: null, attributes: {} }] });
  });

  it('reads the Resource instance that SDKs before 1.0 printed, and no scope', () => {
    const span = adaptOtelJsConsoleSpan(makeInfo({ instrumentationScope: undefined, resource: { _attributes: { 'service.name': 'old' } } }));
    expect(span).toMatchObject({ resource: { 'service.name': 'old' }, scope: null });
  });
});
