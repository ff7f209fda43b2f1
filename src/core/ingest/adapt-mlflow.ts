/**
 * MLflow span dicts (FORMATS.md §4.5, §5.2): the V3 `content` shape, a snake_case OTLP span
 * with base64 ids (`trace_id`, `span_id`, `start_time_unix_nano`, `status: {code, message}`);
 * the V2 shape with `context: {trace_id, span_id}`, `parent_id`, `start_time`/`end_time` in ns
 * and `status_code`; and the artifact file `traces.json`, `{"spans": […]}` (also inside
 * `Trace.to_dict()`'s `{info, data: {spans}}`).
 *
 * MLflow writes every attribute value with `json.dumps`, so `"mlflow.spanType": "\"LLM\""`.
 * Span attribute values are decoded one level here, falling back to the text when it is not
 * JSON. Event attributes are plain OTel values and are kept as written.
 */
import { readSpanStatus } from './read-span-status';
import type { Attributes, AttributeValue } from '../../shared/model/attribute-value';
import { readKeyValues, readKind, readStatus } from './adapt-otlp-json';
import { isJsonObject, type JsonObject } from './is-json-object';
import type { NormalizedSpan } from './normalized-span';
import { normalizeId, normalizeParentId } from './normalize-id';
import { parseUnixNano } from './parse-time';

function isMlflowV3Span(value: unknown): value is JsonObject {
  return isJsonObject(value) && 'trace_id' in value && 'span_id' in value && 'start_time_unix_nano' in value;
}

/** V2: `context` with ids, no Phoenix `span_kind`, not OTel Python (`kind: "SpanKind.…"`), and MLflow's marks. */
function isMlflowV2Span(value: unknown): value is JsonObject {
  if (!isJsonObject(value) || !isJsonObject(value.context) || !('span_id' in value.context) || 'span_kind' in value) return false;
  if (typeof value.kind === 'string' && value.kind.startsWith('SpanKind.')) return false;
  const attributes = isJsonObject(value.attributes) ? value.attributes : {};
  return Object.keys(attributes).some((key) => key.startsWith('mlflow.')) || typeof value.start_time === 'number' || 'status_code' in value;
}

function isMlflowSpan(value: unknown): value is JsonObject {
  return isMlflowV3Span(value) || isMlflowV2Span(value);
}

/** The span list of `traces.json` or of a `Trace.to_dict()`, or null. */
function readSpanList(value: JsonObject): unknown[] | null {
  if (Array.isArray(value.spans) && !('processMap' in value)) return value.spans;
  if (isJsonObject(value.data) && Array.isArray(value.data.spans) && 'info' in value) return value.data.spans;
  return null;
}

/** True for one MLflow span, or a document holding a list of them. */
export function isMlflowRecord(value: JsonObject): boolean {
  if (isMlflowSpan(value)) return true;
  const list = readSpanList(value);
  return list !== null && list.length > 0 && isMlflowSpan(list[0]);
}

/** A value MLflow wrote with json.dumps, decoded once; text that is not JSON stays text. */
export function decodeValue(value: unknown): AttributeValue {
  if (typeof value !== 'string') return (value ?? null) as AttributeValue;
  try {
    return JSON.parse(value) as AttributeValue;
  } catch {
    return value;
  }
}

function readAttributes(raw: unknown): Attributes {
  // Spans converted through OTLP protos carry KeyValue lists; the dict form is the usual one.
  const source = readPlainAttributes(raw);
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(source)) attributes[key] = decodeValue(value);
  return attributes;
}

function readPlainAttributes(raw: unknown): Attributes {
  return Array.isArray(raw) ? readKeyValues(raw) : isJsonObject(raw) ? (raw as Attributes) : {};
}

function adaptV3(span: JsonObject): NormalizedSpan {
  const events = Array.isArray(span.events) ? span.events.filter(isJsonObject) : [];
  const links = Array.isArray(span.links) ? span.links.filter(isJsonObject) : [];
  return {
    traceId: normalizeId(span.trace_id),
    spanId: normalizeId(span.span_id),
    parentSpanId: normalizeParentId(span.parent_span_id),
    name: String(span.name ?? ''),
    kind: readKind(span.kind),
    startNs: parseUnixNano(span.start_time_unix_nano),
    endNs: parseUnixNano(span.end_time_unix_nano),
    ...readStatus(span.status),
    attributes: readAttributes(span.attributes),
    events: events.map((event) => ({ name: String(event.name ?? ''), timeNs: parseUnixNano(event.time_unix_nano), attributes: readPlainAttributes(event.attributes) })),
    links: links.map((link) => ({ traceId: normalizeId(link.trace_id), spanId: normalizeId(link.span_id), attributes: readPlainAttributes(link.attributes) })),
    resource: {},
    scope: null,
  };
}

function adaptV2(span: JsonObject): NormalizedSpan {
  const context = span.context as JsonObject;
  const events = Array.isArray(span.events) ? span.events.filter(isJsonObject) : [];
  return {
    traceId: normalizeId(context.trace_id),
    spanId: normalizeId(context.span_id),
    parentSpanId: normalizeParentId(span.parent_id),
    name: String(span.name ?? ''),
    kind: 'unspecified',
    startNs: parseUnixNano(span.start_time),
    endNs: parseUnixNano(span.end_time),
    ...readSpanStatus(span.status_code, span.status_message),
    attributes: readAttributes(span.attributes),
    events: events.map((event) => ({ name: String(event.name ?? ''), timeNs: parseUnixNano(event.timestamp), attributes: readPlainAttributes(event.attributes) })),
    links: [],
    resource: {},
    scope: null,
  };
}

/** Every span of one MLflow record (a span, or a list of spans). */
export function adaptMlflowRecord(value: JsonObject): NormalizedSpan[] {
  const list = isMlflowSpan(value) ? [value] : readSpanList(value) ?? [];
  const spans: NormalizedSpan[] = [];
  for (const span of list) {
    if (isMlflowV3Span(span)) spans.push(adaptV3(span));
    else if (isMlflowV2Span(span)) spans.push(adaptV2(span));
  }
  return spans;
}
