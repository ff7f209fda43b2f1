/**
 * OTel Python ConsoleSpanExporter records (`ReadableSpan.to_json()`, FORMATS.md §2): `0x` hex
 * ids under `context`, `SpanKind.X` kinds, ISO times with microseconds, flat attributes,
 * and a resource that is `{attributes, schema_url}` since SDK 1.12 and a flat dict before.
 */
import { readSpanStatus } from './read-span-status';
import type { Attributes, AttributeValue } from '../../shared/model/attribute-value';
import type { SpanKind, SpanStatus } from '../../shared/model/span-type';
import type { NormalizedEvent, NormalizedLink, NormalizedSpan } from './normalized-span';
import { normalizeId, normalizeParentId } from './normalize-id';
import { parseAnyTimeToNs } from './parse-time';

type Json = Record<string, unknown>;

/** True for an object shaped like an OTel Python console span. */
export function isOtelConsoleSpan(value: Json): boolean {
  const context = value.context as Json | undefined;
  return (
    typeof context === 'object' &&
    context !== null &&
    'trace_id' in context &&
    'span_id' in context &&
    typeof value.kind === 'string' &&
    value.kind.startsWith('SpanKind.')
  );
}

const KINDS: Record<string, SpanKind> = {
  'SpanKind.INTERNAL': 'internal',
  'SpanKind.SERVER': 'server',
  'SpanKind.CLIENT': 'client',
  'SpanKind.PRODUCER': 'producer',
  'SpanKind.CONSUMER': 'consumer',
};

function readStatus(raw: unknown): { status: SpanStatus; statusMessage: string | null } {
  const status = (raw ?? {}) as Json;
  return readSpanStatus(status.status_code, status.description);
}

export function asAttributes(raw: unknown): Attributes {
  return raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Attributes) : {};
}

function readResource(raw: unknown): Attributes {
  const resource = asAttributes(raw);
  // SDK >= 1.12 nests attributes; older SDKs wrote the attribute dict itself.
  if ('attributes' in resource && typeof resource.attributes === 'object' && resource.attributes !== null) {
    return asAttributes(resource.attributes);
  }
  return resource;
}

/** Maps one console span object to the normalized model. */
export function adaptOtelConsoleSpan(value: Json): NormalizedSpan {
  const context = value.context as Json;
  const events: NormalizedEvent[] = Array.isArray(value.events)
    ? (value.events as Json[]).map((event) => ({
        name: String(event?.name ?? ''),
        timeNs: parseAnyTimeToNs(event?.timestamp),
        attributes: asAttributes(event?.attributes),
      }))
    : [];
  const links: NormalizedLink[] = Array.isArray(value.links)
    ? (value.links as Json[]).map((link) => {
        const linkContext = (link?.context ?? {}) as Json;
        return {
          traceId: normalizeId(linkContext.trace_id),
          spanId: normalizeId(linkContext.span_id),
          attributes: asAttributes(link?.attributes),
        };
      })
    : [];
  return {
    traceId: normalizeId(context.trace_id),
    spanId: normalizeId(context.span_id),
    parentSpanId: normalizeParentId(value.parent_id),
    name: typeof value.name === 'string' ? value.name : String(value.name ?? ''),
    kind: KINDS[String(value.kind)] ?? 'unspecified',
    startNs: parseAnyTimeToNs(value.start_time),
    endNs: parseAnyTimeToNs(value.end_time),
    ...readStatus(value.status),
    attributes: asAttributes(value.attributes as AttributeValue),
    events,
    links,
    resource: readResource(value.resource),
    scope: null,
  };
}
