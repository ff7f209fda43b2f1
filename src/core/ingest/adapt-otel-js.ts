/**
 * OTel-JS `ReadableSpan` dumps (FORMATS.md §2): `JSON.stringify` of a finished span, or of a
 * span built by hand from its getters. Ids sit under `spanContext` (`_spanContext` on a raw
 * Span instance), times are HrTime `[seconds, nanoseconds]`, and `kind` is the JS enum, which
 * numbers kinds differently from OTLP (0 INTERNAL, 1 SERVER, 2 CLIENT, 3 PRODUCER, 4 CONSUMER).
 * SDK 1.x has `parentSpanId` and `instrumentationLibrary`; SDK 2.x `parentSpanContext` and
 * `instrumentationScope`.
 */
import type { Attributes } from '../../shared/model/attribute-value';
import type { SpanKind } from '../../shared/model/span-type';
import { asAttributes } from './adapt-otel-console';
import { readStatus } from './adapt-otlp-json';
import { isJsonObject, type JsonObject } from './is-json-object';
import type { NormalizedSpan } from './normalized-span';
import { normalizeId, normalizeParentId } from './normalize-id';
import { hrTimeToNs } from './parse-time';

const JS_KINDS: SpanKind[] = ['internal', 'server', 'client', 'producer', 'consumer'];

function readSpanContext(value: JsonObject): JsonObject | null {
  const context = value.spanContext ?? value._spanContext;
  return isJsonObject(context) ? context : null;
}

function isHrTime(value: unknown): boolean {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'number';
}

/** True for an object shaped like a ReadableSpan dump. */
export function isOtelJsSpan(value: JsonObject): boolean {
  const context = readSpanContext(value);
  return context !== null && 'traceId' in context && 'spanId' in context && isHrTime(value.startTime);
}

function readKind(raw: unknown): SpanKind {
  if (typeof raw === 'number') return JS_KINDS[raw] ?? 'unspecified';
  if (typeof raw === 'string') {
    const name = raw.toLowerCase().replace(/^spankind\./, '');
    return (JS_KINDS as string[]).includes(name) ? (name as SpanKind) : 'unspecified';
  }
  return 'unspecified';
}

/** A serialised Resource: `{attributes}`, or a raw instance's `_attributes`. */
function readResource(raw: unknown): Attributes {
  if (!isJsonObject(raw)) return {};
  return asAttributes(raw.attributes ?? raw._attributes);
}

function readScope(value: JsonObject): NormalizedSpan['scope'] {
  const scope = value.instrumentationScope ?? value.instrumentationLibrary;
  if (!isJsonObject(scope)) return null;
  const version = typeof scope.version === 'string' && scope.version !== '' ? scope.version : null;
  return { name: String(scope.name ?? ''), version };
}

/** Maps one ReadableSpan dump to the normalized model. */
export function adaptOtelJsSpan(value: JsonObject): NormalizedSpan {
  const context = readSpanContext(value) ?? {};
  const parentContext = isJsonObject(value.parentSpanContext) ? value.parentSpanContext : null;
  const events = Array.isArray(value.events) ? value.events.filter(isJsonObject) : [];
  const links = Array.isArray(value.links) ? value.links.filter(isJsonObject) : [];
  // An unended span has endTime [0, 0] or a copy of its start; `ended` (`_ended` on an instance) says which.
  const endNs = value.ended === false || value._ended === false ? null : hrTimeToNs(value.endTime);
  return {
    traceId: normalizeId(context.traceId),
    spanId: normalizeId(context.spanId),
    parentSpanId: normalizeParentId(parentContext ? parentContext.spanId : value.parentSpanId),
    name: String(value.name ?? ''),
    kind: readKind(value.kind),
    startNs: hrTimeToNs(value.startTime),
    endNs,
    ...readStatus(value.status),
    attributes: asAttributes(value.attributes),
    events: events.map((event) => ({
      name: String(event.name ?? ''),
      timeNs: hrTimeToNs(event.time),
      attributes: asAttributes(event.attributes),
    })),
    links: links.map((link) => {
      const linkContext = isJsonObject(link.context) ? link.context : {};
      return { traceId: normalizeId(linkContext.traceId), spanId: normalizeId(linkContext.spanId), attributes: asAttributes(link.attributes) };
    }),
    resource: readResource(value.resource),
    scope: readScope(value),
  };
}
