/**
 * OTel-JS `ReadableSpan` dumps (FORMATS.md §2): `JSON.stringify` of a finished span, or of a
 * span built by hand from its getters. Ids sit under `spanContext` (`_spanContext` on a raw
 * Span instance), times are HrTime `[seconds, nanoseconds]`, and `kind` is the JS enum, which
 * numbers kinds differently from OTLP (0 INTERNAL, 1 SERVER, 2 CLIENT, 3 PRODUCER, 4 CONSUMER).
 * SDK 1.x has `parentSpanId` and `instrumentationLibrary`; SDK 2.x `parentSpanContext` and
 * `instrumentationScope`.
 *
 * Also OTel-JS's ConsoleSpanExporter info objects, as parse-node-inspect reads them back from
 * `console.dir(info, {depth: 3})`: `traceId`, `id`, `timestamp` and `duration` in µs (a double
 * that may carry a fraction), `parentId` (SDK 1.x) or `parentSpanContext` (2.x), and events with
 * HrTime `time`. Values deeper than the depth are the placeholder strings `[Object]`/`[Array]`.
 * SDKs before 1.0 printed with console.log (depth 2) and the Resource instance itself.
 */
import type { Attributes } from '../../shared/model/attribute-value';
import type { SpanKind } from '../../shared/model/span-type';
import { asAttributes } from './adapt-otel-console';
import { readStatus } from './adapt-otlp-json';
import { isJsonObject, type JsonObject } from './is-json-object';
import type { NormalizedEvent, NormalizedLink, NormalizedSpan } from './normalized-span';
import { normalizeId, normalizeParentId } from './normalize-id';
import { epochToNs, hrTimeToNs } from './parse-time';

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

/** An OTel-JS span event (`time` an HrTime), in both the ReadableSpan and the console shapes. */
function readEvent(event: JsonObject): NormalizedEvent {
  return { name: String(event.name ?? ''), timeNs: hrTimeToNs(event.time), attributes: asAttributes(event.attributes) };
}

function readLink(link: JsonObject): NormalizedLink {
  const linkContext = isJsonObject(link.context) ? link.context : {};
  return { traceId: normalizeId(linkContext.traceId), spanId: normalizeId(linkContext.spanId), attributes: asAttributes(link.attributes) };
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
    events: events.map(readEvent),
    links: links.map(readLink),
    resource: readResource(value.resource),
    scope: readScope(value),
  };
}

/**
 * True for a ConsoleSpanExporter info object: `traceId` + `id` like Zipkin, but µs numbers for
 * `timestamp` and `duration` and the JS enum number for `kind` (Zipkin's kind is a name).
 */
export function isOtelJsConsoleSpan(value: JsonObject): boolean {
  return (
    typeof value.traceId === 'string' &&
    typeof value.id === 'string' &&
    typeof value.timestamp === 'number' &&
    typeof value.duration === 'number' &&
    typeof value.kind === 'number'
  );
}

/**
 * µs as printed (`1715000000123456.8`) to ns. The number's shortest decimal text is what the
 * exporter printed, so it is read as text: epoch µs times 1000 is beyond a double's precision.
 */
function microsToNs(value: unknown): bigint | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return null;
  if (value === 0) return 0n;
  const text = String(value);
  return text.includes('e') ? BigInt(Math.round(value * 1000)) : epochToNs(text, 'us');
}

/** Maps one ConsoleSpanExporter info object to the normalized model. */
export function adaptOtelJsConsoleSpan(value: JsonObject): NormalizedSpan {
  const parentContext = isJsonObject(value.parentSpanContext) ? value.parentSpanContext : null;
  const events = Array.isArray(value.events) ? value.events.filter(isJsonObject) : [];
  const links = Array.isArray(value.links) ? value.links.filter(isJsonObject) : [];
  const startNs = microsToNs(value.timestamp) || null;
  const durationNs = microsToNs(value.duration);
  return {
    traceId: normalizeId(value.traceId),
    spanId: normalizeId(value.id),
    parentSpanId: normalizeParentId(parentContext ? parentContext.spanId : value.parentId),
    name: String(value.name ?? ''),
    kind: readKind(value.kind),
    startNs,
    endNs: startNs !== null && durationNs !== null ? startNs + durationNs : null,
    ...readStatus(value.status),
    attributes: asAttributes(value.attributes),
    events: events.map(readEvent),
    links: links.map(readLink),
    resource: readResource(value.resource),
    scope: readScope(value),
  };
}
