/**
 * Arize Phoenix span JSON (FORMATS.md §5.1): the REST shape `{name, context: {trace_id,
 * span_id}, span_kind, parent_id, start_time, end_time, status_code, status_message,
 * attributes, events}` and the legacy JSONL export, whose attributes are nested
 * (`{"llm": {"token_count": {"prompt": 12}}}`) and whose lists are arrays.
 *
 * Attributes are flattened to the dotted keys the conventions use, with 0-based segments for
 * lists of objects (`llm.input_messages.0.message.role`). The values Phoenix parses from JSON
 * (`metadata`, `tool.parameters`, `llm.prompt_template.variables`, `document.metadata`) stay
 * whole. `span_kind` is the OpenInference kind, so it is copied to `openinference.span.kind`
 * when the attributes lack it; Phoenix has no OTel kind. Ids are kept as written unless they
 * are hex or base64 (REST spans may use UUIDs or any string).
 */
import { readSpanStatus } from './read-span-status';
import type { Attributes, AttributeValue } from '../../shared/model/attribute-value';
import { isJsonObject, type JsonObject } from './is-json-object';
import type { NormalizedSpan } from './normalized-span';
import { normalizeId, normalizeParentId } from './normalize-id';
import { parseAnyTimeToNs } from './parse-time';

/** True for a Phoenix span: a `context` object with ids, and a `span_kind`. */
export function isPhoenixSpan(value: JsonObject): boolean {
  const context = value.context;
  return isJsonObject(context) && 'span_id' in context && 'span_kind' in value;
}

/** Dotted paths (list indices as `*`) whose object values are kept whole, not flattened. */
const KEPT_WHOLE = new Set(['metadata', 'tool.parameters', 'llm.prompt_template.variables', 'llm.invocation_parameters']);

function isKeptWhole(pattern: string): boolean {
  return KEPT_WHOLE.has(pattern) || pattern.endsWith('.document.metadata');
}

function flattenInto(out: Attributes, key: string, pattern: string, value: unknown): void {
  if (isJsonObject(value) && key !== '' && isKeptWhole(pattern)) {
    out[key] = value as AttributeValue;
    return;
  }
  if (isJsonObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0 && key !== '') out[key] = {};
    for (const [child, childValue] of entries) {
      flattenInto(out, key === '' ? child : `${key}.${child}`, pattern === '' ? child : `${pattern}.${child}`, childValue);
    }
    return;
  }
  // Lists of objects are the flattened lists of the conventions; lists of scalars are values.
  if (Array.isArray(value) && value.some(isJsonObject) && key !== '') {
    value.forEach((item, index) => flattenInto(out, `${key}.${index}`, `${pattern}.*`, item));
    return;
  }
  if (key !== '') out[key] = (value ?? null) as AttributeValue;
}

/** Nested attributes as flat dotted keys; already-flat keys pass through. */
export function flattenAttributes(raw: unknown): Attributes {
  const out: Attributes = {};
  if (isJsonObject(raw)) flattenInto(out, '', '', raw);
  return out;
}

/** Maps one Phoenix span object to the normalized model. */
export function adaptPhoenixSpan(value: JsonObject): NormalizedSpan {
  const context = value.context as JsonObject;
  const attributes = flattenAttributes(value.attributes);
  if (attributes['openinference.span.kind'] === undefined && typeof value.span_kind === 'string') {
    attributes['openinference.span.kind'] = value.span_kind;
  }
  const events = Array.isArray(value.events) ? value.events.filter(isJsonObject) : [];
  return {
    traceId: normalizeId(context.trace_id),
    spanId: normalizeId(context.span_id),
    parentSpanId: normalizeParentId(value.parent_id),
    name: String(value.name ?? ''),
    kind: 'unspecified',
    startNs: parseAnyTimeToNs(value.start_time),
    endNs: parseAnyTimeToNs(value.end_time),
    ...readSpanStatus(value.status_code, value.status_message),
    attributes,
    events: events.map((event) => ({
      name: String(event.name ?? ''),
      timeNs: parseAnyTimeToNs(event.timestamp),
      attributes: flattenAttributes(event.attributes),
    })),
    links: [],
    resource: {},
    scope: null,
  };
}
