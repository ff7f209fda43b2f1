/**
 * kitelogik's in-memory exporter snapshot, `get_finished_spans()` (FORMATS.md §7; seed 003):
 * flat dicts with hex `trace_id`/`span_id`/`parent_span_id`, `start_ms`/`end_ms` epoch
 * milliseconds, a `status` name, and the span's attributes as short keys (`session_id`,
 * `tool_name`, `policy_allow`, `policy_deny`, `policy_hitl`, `risk_tier`, `reason`, …).
 *
 * The short keys are renamed to the `kitelogik.*` attribute names the runtime sets on the
 * same spans, so semantics reads one vocabulary. Keys with a dot are attribute names already
 * and pass through, as do unknown short keys (shown as written, never guessed at).
 */
import { readSpanStatus } from './read-span-status';
import type { Attributes, AttributeValue } from '../../shared/model/attribute-value';
import type { SpanKind, SpanStatus } from '../../shared/model/span-type';
import { isJsonObject, type JsonObject } from './is-json-object';
import type { NormalizedSpan } from './normalized-span';
import { normalizeId, normalizeParentId } from './normalize-id';
import { epochToNs, parseAnyTimeToNs } from './parse-time';
import { ownEntry } from '../../shared/model/own-entry';

/** Short dict key → the attribute the runtime sets on the span (seed 003, FORMATS.md §7). */
export const KITELOGIK_KEY_NAMES: Record<string, string> = {
  session_id: 'kitelogik.session_id',
  user_role: 'kitelogik.user_role',
  tool_name: 'kitelogik.tool_name',
  action: 'kitelogik.action',
  tool_action: 'kitelogik.tool.action',
  allowed: 'kitelogik.allowed',
  policy_allow: 'kitelogik.policy.allow',
  policy_deny: 'kitelogik.policy.deny',
  policy_hitl: 'kitelogik.policy.requires_hitl',
  requires_hitl: 'kitelogik.policy.requires_hitl',
  risk_tier: 'kitelogik.policy.risk_tier',
  reason: 'kitelogik.policy.reason',
  rule_matched: 'kitelogik.policy.rule_matched',
  event_type: 'kitelogik.event_type',
  token_id: 'kitelogik.token_id',
  parent_token_id: 'kitelogik.parent_token_id',
  delegation_depth: 'kitelogik.delegation_depth',
  iteration: 'kitelogik.iteration',
  was_modified: 'kitelogik.sanitizer.was_modified',
  patterns_found: 'kitelogik.sanitizer.patterns_found',
};

/** Keys that describe the span itself rather than its attributes. */
const ENVELOPE = new Set([
  'trace_id',
  'span_id',
  'parent_span_id',
  'parent_id',
  'name',
  'kind',
  'start_ms',
  'end_ms',
  'duration_ms',
  'status',
  'status_message',
  'status_description',
  'attributes',
  'events',
  'resource',
]);

/** True for a finished-span dict: flat ids and `start_ms`/`end_ms`, no OTel `context`. */
export function isKitelogikSpanDict(value: JsonObject): boolean {
  return 'trace_id' in value && 'span_id' in value && ('start_ms' in value || 'end_ms' in value) && !('context' in value);
}

const KINDS: Record<string, SpanKind> = { INTERNAL: 'internal', SERVER: 'server', CLIENT: 'client', PRODUCER: 'producer', CONSUMER: 'consumer' };

function readStatus(value: JsonObject): { status: SpanStatus; statusMessage: string | null } {
  return readSpanStatus(value.status, value.status_description ?? value.status_message);
}

/** Maps one finished-span dict to the normalized model. */
export function adaptKitelogikSpanDict(value: JsonObject): NormalizedSpan {
  const attributes: Attributes = isJsonObject(value.attributes) ? { ...(value.attributes as Attributes) } : {};
  for (const [key, raw] of Object.entries(value)) {
    if (ENVELOPE.has(key)) continue;
    attributes[KITELOGIK_KEY_NAMES[key] ?? key] = (raw ?? null) as AttributeValue;
  }
  const startNs = epochToNs(value.start_ms, 'ms');
  let endNs = epochToNs(value.end_ms, 'ms');
  if (endNs === null && startNs !== null && typeof value.duration_ms === 'number' && value.duration_ms >= 0) {
    endNs = startNs + (epochToNs(value.duration_ms, 'ms') ?? 0n);
  }
  const events = Array.isArray(value.events) ? value.events.filter(isJsonObject) : [];
  const kind = String(value.kind ?? '').toUpperCase().replace(/^SPANKIND\./, '');
  return {
    traceId: normalizeId(value.trace_id),
    spanId: normalizeId(value.span_id),
    parentSpanId: normalizeParentId(value.parent_span_id ?? value.parent_id),
    name: String(value.name ?? ''),
    kind: ownEntry(KINDS, kind) ?? 'unspecified',
    startNs,
    endNs,
    ...readStatus(value),
    attributes,
    events: events.map((event) => ({
      name: String(event.name ?? ''),
      timeNs: event.timestamp_ms !== undefined ? epochToNs(event.timestamp_ms, 'ms') : parseAnyTimeToNs(event.timestamp),
      attributes: isJsonObject(event.attributes) ? (event.attributes as Attributes) : {},
    })),
    links: [],
    resource: isJsonObject(value.resource) ? (value.resource as Attributes) : {},
    scope: null,
  };
}
