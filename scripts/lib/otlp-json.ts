/**
 * Builds OTLP/JSON the way the Collector's file exporter writes it (FORMATS.md §3): lowerCamelCase
 * keys in proto field order, lower-case hex ids, integer enums, 64-bit integers and nanosecond
 * times as decimal strings, zero values omitted, `"status":{}` when unset.
 */
import { PyFloat } from './py-json';

/** Values accepted for attributes: integral numbers become intValue unless wrapped in PyFloat. */
export type AttrInput = string | number | boolean | PyFloat | AttrInput[] | { [key: string]: AttrInput };

export interface OtlpAnyValue {
  [kind: string]: unknown;
}

export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

export function toAnyValue(value: AttrInput): OtlpAnyValue {
  if (typeof value === 'string') return { stringValue: value };
  if (typeof value === 'boolean') return { boolValue: value };
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value };
  }
  if (value instanceof PyFloat) return { doubleValue: value.value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(toAnyValue) } };
  return { kvlistValue: { values: toKeyValues(value) } };
}

export function toKeyValues(attributes: { [key: string]: AttrInput }): OtlpKeyValue[] {
  return Object.keys(attributes).map((key) => ({ key, value: toAnyValue(attributes[key]) }));
}

export const OTLP_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

export interface OtlpSpanInput {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  flags: number;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: { [key: string]: AttrInput };
  events: { timeNs: bigint; name: string; attributes: { [key: string]: AttrInput } }[];
  status: { code: 0 | 1 | 2; message?: string };
}

/** One span object, keys in the order the Collector's marshaller writes them. */
export function toOtlpSpan(span: OtlpSpanInput): object {
  const out: { [key: string]: unknown } = { traceId: span.traceId, spanId: span.spanId };
  if (span.parentSpanId) out.parentSpanId = span.parentSpanId;
  if (span.flags) out.flags = span.flags;
  out.name = span.name;
  if (span.kind) out.kind = span.kind;
  out.startTimeUnixNano = span.startNs.toString();
  out.endTimeUnixNano = span.endNs.toString();
  if (Object.keys(span.attributes).length > 0) out.attributes = toKeyValues(span.attributes);
  if (span.events.length > 0) {
    out.events = span.events.map((e) => {
      const ev: { [key: string]: unknown } = { timeUnixNano: e.timeNs.toString(), name: e.name };
      if (Object.keys(e.attributes).length > 0) ev.attributes = toKeyValues(e.attributes);
      return ev;
    });
  }
  const status: { [key: string]: unknown } = {};
  if (span.status.message) status.message = span.status.message;
  if (span.status.code) status.code = span.status.code;
  out.status = status;
  return out;
}
