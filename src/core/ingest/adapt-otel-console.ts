/**
 * OTel Python ConsoleSpanExporter records (`ReadableSpan.to_json()`, FORMATS.md §2): `0x` hex
 * ids under `context`, `SpanKind.X` kinds, ISO times with microseconds, flat attributes,
 * and a resource that is `{attributes, schema_url}` since SDK 1.12 and a flat dict before.
 */
import { readSpanStatus } from './read-span-status';
import { textOf, type Attributes, type AttributeValue } from '../../shared/model/attribute-value';
import type { SpanKind, SpanStatus } from '../../shared/model/span-type';
import type { NormalizedEvent, NormalizedLink, NormalizedSpan } from './normalized-span';
import { normalizeId, normalizeParentId } from './normalize-id';
import { parseAnyTimeToNs } from './parse-time';
import { ownEntry } from '../../shared/model/own-entry';

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

/** A console span's top-level values as read from its record, before normalizing. */
export interface OtelConsoleFields {
  name: unknown;
  traceId: unknown;
  spanId: unknown;
  parentId: unknown;
  kind: unknown;
  startTime: unknown;
  endTime: unknown;
  status: unknown;
  attributes: unknown;
  events: NormalizedEvent[];
  links: NormalizedLink[];
  resource: Attributes;
}

/**
 * Normalizes a console span's values: shared by the adapter below and by the native record
 * scanner's reader (which hands over only what the index needs, and no events or links).
 */
export function adaptOtelConsoleFields(fields: OtelConsoleFields): NormalizedSpan {
  const name = fields.name;
  return {
    traceId: normalizeId(fields.traceId),
    spanId: normalizeId(fields.spanId),
    parentSpanId: normalizeParentId(fields.parentId),
    name: textOf(name),
    kind: ownEntry(KINDS, textOf(fields.kind)) ?? 'unspecified',
    startNs: parseAnyTimeToNs(fields.startTime),
    endNs: parseAnyTimeToNs(fields.endTime),
    ...readStatus(fields.status),
    attributes: asAttributes(fields.attributes as AttributeValue),
    events: fields.events,
    links: fields.links,
    resource: fields.resource,
    scope: null,
  };
}

/** Maps one console span object to the normalized model. */
export function adaptOtelConsoleSpan(value: Json): NormalizedSpan {
  const context = value.context as Json;
  const events: NormalizedEvent[] = Array.isArray(value.events)
    ? (value.events as Json[]).map((event) => ({
        name: textOf(event?.name),
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
  return adaptOtelConsoleFields({
    name: value.name,
    traceId: context.trace_id,
    spanId: context.span_id,
    parentId: value.parent_id,
    kind: value.kind,
    startTime: value.start_time,
    endTime: value.end_time,
    status: value.status,
    attributes: value.attributes,
    events,
    links,
    resource: readResource(value.resource),
  });
}
