import { describe, expect, it } from 'vitest';
import { adaptRecord } from '../../../src/core/ingest/adapt-record';

const HEX32 = '4bf92f3577b34da6a3ce929d0e0e4736';
const HEX16 = '00f067aa0ba902b7';

/** Detection follows FORMATS.md §1, per object, never by file name. */
describe('adaptRecord detection', () => {
  const cases: [string, unknown, string][] = [
    ['OTLP resourceSpans', { resourceSpans: [] }, 'otlp-json'],
    ['OTel Python console span', { name: 'x', context: { trace_id: `0x${HEX32}`, span_id: `0x${HEX16}` }, kind: 'SpanKind.INTERNAL' }, 'otel-console'],
    ['Jaeger query API', { data: [{ traceID: HEX32, spans: [], processes: {} }], total: 0 }, 'jaeger'],
    ['Jaeger empty search result', { data: [], total: 0, limit: 0, offset: 0, errors: null }, 'jaeger'],
    ['Jaeger single trace under data', { data: { traceID: HEX32, spans: [], processes: {} } }, 'jaeger'],
    ['Jaeger bare trace', { traceID: HEX32, spans: [], processes: {} }, 'jaeger'],
    ['Jaeger api_v2', { spans: [], processMap: [] }, 'jaeger'],
    ['Jaeger span array', [{ traceID: HEX32, spanID: HEX16, operationName: 'x', startTime: 1, duration: 1 }], 'jaeger'],
    ['Zipkin array', [{ traceId: HEX32, id: HEX16, timestamp: 1778486537000000 }], 'zipkin'],
    ['Zipkin single span', { traceId: HEX32, id: HEX16, localEndpoint: { serviceName: 's' } }, 'zipkin'],
    ['Phoenix span (context + span_kind) before typed spans', { name: 'x', context: { trace_id: HEX32, span_id: HEX16 }, span_kind: 'LLM' }, 'phoenix'],
    ['OTel-JS ReadableSpan', { name: 'x', spanContext: { traceId: HEX32, spanId: HEX16 }, startTime: [1778486537, 0] }, 'otel-js'],
    ['MLflow V3 span', { trace_id: 'S/kvNXezTaajzpKdDg5HNg==', span_id: 'APBnqgupArc=', start_time_unix_nano: 1 }, 'mlflow'],
    ['MLflow V2 span', { name: 'x', context: { trace_id: `0x${HEX32}`, span_id: `0x${HEX16}` }, start_time: 1, attributes: { 'mlflow.spanType': '"LLM"' } }, 'mlflow'],
    ['MLflow traces.json', { spans: [{ trace_id: 'S/kvNXezTaajzpKdDg5HNg==', span_id: 'APBnqgupArc=', start_time_unix_nano: 1 }] }, 'mlflow'],
    ['Langfuse export row', { id: 'o1', trace_id: 't1', parent_observation_id: null, type: 'SPAN' }, 'langfuse'],
    ['Langfuse root row without its null parent', { id: 'o1', trace_id: 't1', type: 'GENERATION', start_time: '2025-03-14 09:26:53.589793' }, 'langfuse'],
    ['Langfuse API observation, not Zipkin despite traceId + id', { id: 'o1', traceId: 't1', parentObservationId: null, type: 'SPAN', timestamp: 1 }, 'langfuse'],
    ['Langfuse API list', { data: [{ id: 'o1', traceId: 't1', parentObservationId: null, type: 'EVENT' }], meta: { page: 1 } }, 'langfuse'],
    ['Langfuse API array', [{ id: 'o1', traceId: 't1', parentObservationId: null, type: 'SPAN' }], 'langfuse'],
    ['Langfuse trace row', { id: 't1', timestamp: '2025-03-14 10:00:00', name: 'agent', session_id: 's1', user_id: null, release: null }, 'langfuse'],
    ['Langfuse trace rows as one JSON array', [{ id: 't1', timestamp: '2025-03-14 10:00:00', project_id: 'p', public: false }], 'langfuse'],
    ['Langfuse API trace list', { data: [{ id: 't1', timestamp: '2025-03-14T10:00:00Z', sessionId: 's', userId: 'u', observations: ['o1'] }], meta: {} }, 'langfuse'],
    ['Langfuse score row', { id: 's1', trace_id: 't1', observation_id: null, name: 'accuracy', value: 0.9, data_type: 'NUMERIC' }, 'langfuse'],
    ['Langfuse session score', { id: 's1', session_id: 'sess', name: 'csat', value: 4, data_type: 'NUMERIC', timestamp: '2025-03-14 10:00:00' }, 'langfuse'],
    ['Langfuse API score, not Zipkin despite traceId + id + timestamp', { id: 's1', traceId: 't1', name: 'ok', value: 1, dataType: 'BOOLEAN', timestamp: 1 }, 'langfuse'],
    ['Langfuse CSV row (every value text)', { id: 's1', trace_id: 't1', observation_id: '', session_id: '', name: 'ok', value: '1', data_type: 'BOOLEAN', string_value: 'True' }, 'langfuse'],
    ['Zipkin span with tags and a timestamp stays Zipkin', { traceId: HEX32, id: HEX16, timestamp: 1778486537000000, name: 'get', tags: { user_id: 'u', session_id: 's' } }, 'zipkin'],
    ['kitelogik finished span', { trace_id: HEX32, span_id: HEX16, name: 'x', start_ms: 1714291200000 }, 'kitelogik-spans'],
    ['typed span by span_kind', { trace_id: 'trc_1', span_id: 'm1', span_kind: 'message', role: 'user' }, 'typed-agent'],
    ['typed span by span_name under attributes', { trace_id: 'trc_1', span_id: 'm1', attributes: { span_name: 'message.user' } }, 'typed-agent'],
    ['typed run record', { trace_id: 'trc_1', datapoint_id: 'dp-1', phase: 'eval' }, 'typed-agent'],
    ['typed run in a trace_run object', { trace_run: { datapoint_id: 'dp-1' } }, 'typed-agent'],
  ];
  for (const [name, value, format] of cases) {
    it(name, () => {
      const result = adaptRecord(value);
      expect(result.isTrace && result.format).toBe(format);
    });
  }

  it('keeps OTel Python log records as logs, not spans and not errors', () => {
    expect(adaptRecord({ body: 'hello', severity_number: '<SeverityNumber.WARN: 13>', trace_id: '0x0', span_id: '0x0' })).toEqual({
      isTrace: false,
      isSkipped: true,
      what: 'an OTel log record',
      log: { timeNs: null, severity: 'WARN', body: 'hello', traceId: null, spanId: null, attributes: {} },
    });
    expect(adaptRecord({ body: { n: 1 }, severity_number: 17, timestamp: '2026-11-20T14:00:00.000001Z', span_id: '0x00f067aa0ba902b7', trace_id: `0x${'ab'.repeat(16)}` })).toMatchObject({
      log: { severity: 'ERROR', body: '{"n":1}', spanId: '00f067aa0ba902b7', traceId: 'ab'.repeat(16), timeNs: 1795183200000001000n },
    });
  });

  const unknown: [string, unknown, string][] = [
    ['an unknown object names its keys', { foo: 1, bar: 2 }, 'not a trace format Tracelight knows: top-level keys foo, bar'],
    ['a bare number', 42, 'not a trace format Tracelight knows: a bare number'],
    ['an array of unknown objects', [{ foo: 1 }], 'not a trace format Tracelight knows: an array of 1 values'],
    ['a Langfuse observation without an id', { trace_id: 't1', parent_observation_id: null, type: 'SPAN' }, 'a Langfuse observation without an id'],
    ['a Langfuse trace without an id', { id: '', timestamp: '2025-03-14 10:00:00', session_id: 's', user_id: 'u' }, 'a Langfuse trace without an id'],
    ['a Langfuse score without an id', { id: null, trace_id: 't', name: 'n', value: 1, data_type: 'NUMERIC' }, 'a Langfuse score without an id'],
    ['a row with an id and a timestamp is not a trace on one trace-like field', { id: 'x', timestamp: 1, user_id: 'u' }, 'not a trace format Tracelight knows: top-level keys id, timestamp, user_id'],
  ];
  for (const [name, value, reason] of unknown) {
    it(name, () => expect(adaptRecord(value)).toEqual({ isTrace: false, isSkipped: false, reason }));
  }

  it('reads a Langfuse trace whose latency is out of range as an instant', () => {
    const result = adaptRecord({ id: 't', timestamp: '2025-03-14 10:00:00', sessionId: 's', userId: 'u', latency: 1e300 });
    expect(result.isTrace && result.spans.map((span) => [span.startNs, span.endNs])).toEqual([[1741946400000000000n, 1741946400000000000n]]);
  });

  it('never throws on hostile shapes', () => {
    const shapes: unknown[] = [
      { data: [null, 1, 'x'] , total: 1 },
      { spans: [null, 3], processMap: 'nope' },
      [{ traceId: HEX32, id: HEX16, timestamp: 'soon', tags: null, annotations: [null] }],
      { context: { span_id: 1 }, span_kind: 5, attributes: [1, 2], events: 'x' },
      { spanContext: { traceId: 1, spanId: null }, startTime: [1, 2], events: [null], links: [1] },
      { trace_id: null, span_id: {}, start_time_unix_nano: 'x', attributes: 'nope', events: [1] },
      { trace_id: 1, span_id: 2, start_ms: 'x', attributes: [], events: [null] },
      { span_kind: 'message', attributes: null, start_time: {}, duration_ms: -1 },
      { id: {}, trace_id: [], parent_observation_id: 5, type: 'SPAN', metadata: '{bad', usage_details: [1], start_time: {}, end_time: 'x' },
      { data: [{ id: 'o', traceId: 1, parentObservationId: null, type: 'EVENT', metadata: [null], costDetails: 'x' }, null] },
      { id: 5, timestamp: {}, session_id: [], user_id: {}, metadata: '{"a":', tags: 7, latency: 'x', input: [null] },
      { id: {}, trace_id: 3, name: [], value: {}, data_type: 1, string_value: [], comment: {}, observation_id: {}, timestamp: 'x' },
      [{ id: 't', timestamp: 1, session_id: 's', user_id: 'u' }, null, 3, { id: 's', trace_id: 't', name: 'n', value: 'x', data_type: 'NUMERIC' }],
    ];
    for (const shape of shapes) expect(() => adaptRecord(shape)).not.toThrow();
  });
});
