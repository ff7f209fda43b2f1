/**
 * Zipkin v2 span arrays (FORMATS.md §6.2): `POST /api/v2/spans` bodies and
 * `GET /api/v2/trace/{id}` answers. Times and durations are epoch µs; tags are strings; the
 * service is `localEndpoint.serviceName`.
 *
 * A CLIENT span and the SERVER span it called share one `id`, the server half marked
 * `shared: true`. Both halves are kept: the client keeps the id, the server half becomes
 * `<id>_server` with the client as its parent (so no id repeats and no cycle forms), and spans
 * of the same array that name the shared id as parent from the server's own service are
 * children of the server half. The rule reads one record only, so re-adapting it is stable.
 */
import type { Attributes } from '../../shared/model/attribute-value';
import type { SpanKind, SpanStatus } from '../../shared/model/span-type';
import { isJsonObject, type JsonObject } from './is-json-object';
import type { NormalizedSpan } from './normalized-span';
import { normalizeId, normalizeParentId } from './normalize-id';
import { epochToNs } from './parse-time';
import { ownEntry } from '../../shared/model/own-entry';

/** Suffix of the server half of a shared client/server span id. */
export const ZIPKIN_SERVER_SUFFIX = '_server';

/** True for a Zipkin v2 span: `traceId` + `id`, and an endpoint or a timestamp. */
export function isZipkinSpan(value: unknown): value is JsonObject {
  return (
    isJsonObject(value) &&
    typeof value.traceId === 'string' &&
    typeof value.id === 'string' &&
    !('spanId' in value) &&
    ('localEndpoint' in value || 'timestamp' in value)
  );
}

const KINDS: Record<string, SpanKind> = { CLIENT: 'client', SERVER: 'server', PRODUCER: 'producer', CONSUMER: 'consumer' };

function serviceOf(span: JsonObject): string | null {
  const endpoint = span.localEndpoint;
  return isJsonObject(endpoint) && typeof endpoint.serviceName === 'string' ? endpoint.serviceName : null;
}

function readStatus(tags: Attributes): { status: SpanStatus; statusMessage: string | null } {
  // The `error` tag's value is the message; an empty value is an error without one.
  if (typeof tags.error === 'string') return { status: 'error', statusMessage: tags.error !== '' && tags.error !== 'true' ? tags.error : null };
  const code = String(tags['otel.status_code'] ?? '').toUpperCase();
  if (code === 'ERROR') return { status: 'error', statusMessage: null };
  return { status: code === 'OK' ? 'ok' : 'unset', statusMessage: null };
}

/** The spans of one Zipkin array (non-span elements are ignored). */
export function adaptZipkinSpans(list: unknown[]): NormalizedSpan[] {
  const zipkinSpans = list.filter(isZipkinSpan);
  // Shared ids whose server half is in this array, keyed by trace and id, with its service.
  const serverHalves = new Map<string, string | null>();
  for (const span of zipkinSpans) {
    if (span.shared === true) serverHalves.set(`${normalizeId(span.traceId)}\u0000${normalizeId(span.id)}`, serviceOf(span));
  }
  return zipkinSpans.map((span): NormalizedSpan => {
    const traceId = normalizeId(span.traceId);
    const id = normalizeId(span.id);
    const isServerHalf = span.shared === true;
    let parentSpanId = normalizeParentId(span.parentId);
    if (isServerHalf) parentSpanId = id;
    else if (parentSpanId !== null) {
      const key = `${traceId}\u0000${parentSpanId}`;
      if (serverHalves.has(key) && serverHalves.get(key) === serviceOf(span)) parentSpanId = `${parentSpanId}${ZIPKIN_SERVER_SUFFIX}`;
    }
    const tags: Attributes = {};
    if (isJsonObject(span.tags)) for (const [key, value] of Object.entries(span.tags)) tags[key] = value === null || value === undefined ? null : String(value);
    const startNs = epochToNs(span.timestamp, 'us');
    const durationNs = typeof span.duration === 'number' ? epochToNs(span.duration, 'us') : null;
    const service = serviceOf(span);
    const annotations = Array.isArray(span.annotations) ? span.annotations.filter(isJsonObject) : [];
    return {
      traceId,
      spanId: isServerHalf ? `${id}${ZIPKIN_SERVER_SUFFIX}` : id,
      parentSpanId,
      name: typeof span.name === 'string' ? span.name : '',
      // A span without a kind is a local (in-process) span.
      kind: typeof span.kind === 'string' ? (ownEntry(KINDS, span.kind.toUpperCase()) ?? 'unspecified') : 'internal',
      startNs,
      endNs: startNs !== null && durationNs !== null ? startNs + durationNs : null,
      ...readStatus(tags),
      attributes: tags,
      events: annotations.map((annotation) => ({ name: String(annotation.value ?? ''), timeNs: epochToNs(annotation.timestamp, 'us'), attributes: {} })),
      links: [],
      resource: service !== null ? { 'service.name': service } : {},
      scope: null,
    };
  });
}
