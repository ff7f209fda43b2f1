/**
 * OTLP/JSON export requests (FORMATS.md §3): the Collector file exporter's one request per
 * line, SDK dumps, Tempo `batches`, protobuf-JSON with base64 ids and enum names, the legacy
 * `instrumentationLibrarySpans`, and snake_case field names.
 */
import { readSpanStatus } from './read-span-status';
import type { Attributes, AttributeValue } from '../../shared/model/attribute-value';
import type { SpanKind, SpanStatus } from '../../shared/model/span-type';
import type { NormalizedSpan } from './normalized-span';
import { normalizeId, normalizeParentId } from './normalize-id';
import { parseUnixNano } from './parse-time';

type Json = Record<string, unknown>;

/** Reads a field by its lowerCamelCase or snake_case name. */
function field(object: Json | undefined, camel: string, snake: string): unknown {
  if (!object) return undefined;
  return object[camel] !== undefined ? object[camel] : object[snake];
}

/** The list of resource-level entries, or null if this is not an OTLP export request. */
export function readOtlpResourceSpans(value: Json): Json[] | null {
  const list = value.resourceSpans ?? value.resource_spans ?? value.batches;
  return Array.isArray(list) ? (list as Json[]) : null;
}

const KIND_BY_NUMBER: SpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

/** An OTLP kind as an integer or a name (`SPAN_KIND_SERVER`, `SERVER`). */
export function readKind(raw: unknown): SpanKind {
  if (typeof raw === 'number') return KIND_BY_NUMBER[raw] ?? 'unspecified';
  if (typeof raw === 'string') {
    const name = raw.toLowerCase().replace(/^span_kind_/, '');
    return (KIND_BY_NUMBER as string[]).includes(name) ? (name as SpanKind) : 'unspecified';
  }
  return 'unspecified';
}

/** An OTLP status `{code, message}`, the code as an integer or a name. */
export function readStatus(raw: unknown): { status: SpanStatus; statusMessage: string | null } {
  const status = (raw ?? {}) as Json;
  return readSpanStatus(status.code, status.message);
}

/** An OTLP AnyValue as plain JSON. int64 strings become numbers only when exact. */
export function readAnyValue(raw: unknown): AttributeValue {
  if (raw === null || typeof raw !== 'object') return (raw ?? null) as AttributeValue;
  const value = raw as Json;
  const stringValue = field(value, 'stringValue', 'string_value');
  if (stringValue !== undefined) return String(stringValue);
  const boolValue = field(value, 'boolValue', 'bool_value');
  if (boolValue !== undefined) return boolValue === true || boolValue === 'true';
  const intValue = field(value, 'intValue', 'int_value');
  if (intValue !== undefined) {
    const n = Number(intValue);
    return Number.isSafeInteger(n) ? n : String(intValue);
  }
  const doubleValue = field(value, 'doubleValue', 'double_value');
  if (doubleValue !== undefined) return typeof doubleValue === 'number' ? doubleValue : String(doubleValue);
  const bytesValue = field(value, 'bytesValue', 'bytes_value');
  if (bytesValue !== undefined) return String(bytesValue);
  const arrayValue = field(value, 'arrayValue', 'array_value') as Json | undefined;
  if (arrayValue !== undefined) {
    const values = Array.isArray(arrayValue?.values) ? (arrayValue.values as unknown[]) : [];
    return values.map(readAnyValue);
  }
  const kvlistValue = field(value, 'kvlistValue', 'kvlist_value') as Json | undefined;
  if (kvlistValue !== undefined) return readKeyValues(kvlistValue?.values);
  return null;
}

/** A KeyValue list as a flat object. */
export function readKeyValues(raw: unknown): Attributes {
  const attributes: Attributes = {};
  if (!Array.isArray(raw)) return attributes;
  for (const entry of raw as Json[]) {
    if (entry && typeof entry.key === 'string') attributes[entry.key] = readAnyValue(entry.value);
  }
  return attributes;
}

/** Every span of one export request, in document order. */
export function adaptOtlpRequest(value: Json): NormalizedSpan[] {
  const spans: NormalizedSpan[] = [];
  for (const resourceSpans of readOtlpResourceSpans(value) ?? []) {
    const resource = readKeyValues((resourceSpans?.resource as Json | undefined)?.attributes);
    const scopeLists = (field(resourceSpans, 'scopeSpans', 'scope_spans') ??
      field(resourceSpans, 'instrumentationLibrarySpans', 'instrumentation_library_spans')) as Json[] | undefined;
    for (const scopeSpans of Array.isArray(scopeLists) ? scopeLists : []) {
      const scopeRaw = (scopeSpans?.scope ?? field(scopeSpans, 'instrumentationLibrary', 'instrumentation_library')) as
        | Json
        | undefined;
      const scope = scopeRaw
        ? { name: String(scopeRaw.name ?? ''), version: typeof scopeRaw.version === 'string' && scopeRaw.version !== '' ? scopeRaw.version : null }
        : null;
      const list = Array.isArray(scopeSpans?.spans) ? (scopeSpans.spans as Json[]) : [];
      for (const span of list) spans.push(adaptOtlpSpan(span, resource, scope));
    }
  }
  return spans;
}

function adaptOtlpSpan(span: Json, resource: Attributes, scope: NormalizedSpan['scope']): NormalizedSpan {
  const events = Array.isArray(span.events) ? (span.events as Json[]) : [];
  const links = Array.isArray(span.links) ? (span.links as Json[]) : [];
  return {
    traceId: normalizeId(field(span, 'traceId', 'trace_id')),
    spanId: normalizeId(field(span, 'spanId', 'span_id')),
    parentSpanId: normalizeParentId(field(span, 'parentSpanId', 'parent_span_id')),
    name: String(span.name ?? ''),
    kind: readKind(span.kind),
    startNs: parseUnixNano(field(span, 'startTimeUnixNano', 'start_time_unix_nano')),
    endNs: parseUnixNano(field(span, 'endTimeUnixNano', 'end_time_unix_nano')),
    ...readStatus(span.status),
    attributes: readKeyValues(span.attributes),
    events: events.map((event) => ({
      name: String(event?.name ?? ''),
      timeNs: parseUnixNano(field(event, 'timeUnixNano', 'time_unix_nano')),
      attributes: readKeyValues(event?.attributes),
    })),
    links: links.map((link) => ({
      traceId: normalizeId(field(link, 'traceId', 'trace_id')),
      spanId: normalizeId(field(link, 'spanId', 'span_id')),
      attributes: readKeyValues(link?.attributes),
    })),
    resource,
    scope,
  };
}
