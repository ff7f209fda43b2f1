/**
 * Values from the data that name what every JavaScript object inherits ("constructor",
 * "toString", "__proto__") are plain unknown names, never a lookup hit on Object.prototype.
 */
import { describe, expect, it } from 'vitest';
import { adaptRecord } from '../../../src/core/ingest/adapt-record';

function kindsOf(value: unknown): string[] {
  const result = adaptRecord(value);
  if (!result.isTrace) throw new Error(`not a trace: ${JSON.stringify(result)}`);
  return result.spans.map((span) => span.kind);
}

describe('span kinds named like inherited members', () => {
  it('are unspecified in Zipkin, Jaeger and OTel console records', () => {
    const zipkin = { traceId: 'a1b2c3d4e5f60718', id: '1112131415161718', name: 'op', kind: 'constructor', timestamp: 1_700_000_000_000_000, duration: 5 };
    expect(kindsOf(zipkin)).toEqual(['unspecified']);
    const jaeger = {
      traceID: 'a1b2c3d4e5f60718',
      spanID: '1112131415161718',
      operationName: 'op',
      startTime: 1_700_000_000_000_000,
      duration: 5,
      tags: [{ key: 'span.kind', type: 'string', value: 'constructor' }],
    };
    expect(kindsOf(jaeger)).toEqual(['unspecified']);
    const consoleSpan = { name: 'op', context: { trace_id: '0x' + 'ab'.repeat(16), span_id: '0x' + 'cd'.repeat(8) }, kind: 'SpanKind.constructor' };
    expect(kindsOf(consoleSpan)).toEqual(['unspecified']);
    for (const kind of [...kindsOf(zipkin), ...kindsOf(jaeger)]) expect(typeof kind).toBe('string');
  });
});
