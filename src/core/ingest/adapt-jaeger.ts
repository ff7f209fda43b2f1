/**
 * Jaeger JSON (FORMATS.md §6.1) in every shape the Jaeger UI uploads: the query API's
 * `{data: [trace…]}`, `{data: trace}`, a bare trace `{traceID, spans, processes}`, an array of
 * traces, an array of spans, and api_v2 protobuf-JSON `{spans, processMap}` (base64 ids, RFC 3339
 * start times, `"5000ns"` durations, typed tag fields `vStr|vInt64|…`).
 *
 * The UI's repairs are copied: a duplicate span id in one trace becomes `id_1`, `id_2`; an
 * unknown `processID` becomes the service `unknown-service`. The parent is the first CHILD_OF
 * reference into the same trace (else the first FOLLOWS_FROM one, else the deprecated
 * `parentSpanID`); every other reference becomes a link.
 */
import { textOf, type Attributes, type AttributeValue } from '../../shared/model/attribute-value';
import type { SpanKind, SpanStatus } from '../../shared/model/span-type';
import { isJsonObject, type JsonObject } from './is-json-object';
import type { NormalizedEvent, NormalizedLink, NormalizedSpan } from './normalized-span';
import { normalizeId, normalizeParentId } from './normalize-id';
import { epochToNs, parseDurationTextToNs, parseIsoToNs } from './parse-time';
import { ownEntry } from '../../shared/model/own-entry';

function isJaegerTrace(value: unknown): boolean {
  return isJsonObject(value) && Array.isArray(value.spans) && ('traceID' in value || 'processes' in value);
}

/** A v1 span (`traceID`/`spanID`, capital ID). */
export function isJaegerSpan(value: unknown): value is JsonObject {
  return isJsonObject(value) && typeof value.traceID === 'string' && typeof value.spanID === 'string';
}

/** True for a query-API response, a bare trace, or an api_v2 `{spans, processMap}`. */
export function isJaegerDocument(value: JsonObject): boolean {
  if (isJaegerTrace(value)) return true;
  if (Array.isArray(value.spans) && 'processMap' in value) return true;
  const data = value.data;
  if (isJaegerTrace(data)) return true;
  if (!Array.isArray(data)) return false;
  // An empty search result still has the API envelope (total, limit, offset, errors).
  if (data.length === 0) return 'total' in value || 'errors' in value;
  return isJaegerTrace(data[0]);
}

/** True for a list whose elements are Jaeger traces (the UI's `[trace…]` upload). */
export function isJaegerTraceList(list: unknown[]): boolean {
  return list.length > 0 && isJaegerTrace(list[0]);
}

/** Every span of a Jaeger document, trace by trace, in document order. */
export function adaptJaegerDocument(value: JsonObject): NormalizedSpan[] {
  if (Array.isArray(value.spans) && 'processMap' in value) return adaptApiV2(value);
  const traces = isJaegerTrace(value) ? [value] : Array.isArray(value.data) ? value.data : [value.data];
  return adaptJaegerTraces(traces);
}

/** The spans of a list of traces. */
export function adaptJaegerTraces(traces: unknown[]): NormalizedSpan[] {
  const spans: NormalizedSpan[] = [];
  for (const trace of traces) {
    if (!isJaegerTrace(trace)) continue;
    const { processes: rawProcesses, spans: list } = trace as JsonObject;
    const processes = isJsonObject(rawProcesses) ? rawProcesses : {};
    spans.push(...adaptJaegerSpans(list as unknown[], processes));
  }
  return spans;
}

/** A list of v1 spans (one trace's, or an uploaded span array), with duplicate ids renamed. */
export function adaptJaegerSpans(list: unknown[], processes: JsonObject = {}): NormalizedSpan[] {
  const spans: NormalizedSpan[] = [];
  const seen = new Map<string, number>();
  for (const span of list) {
    if (!isJaegerSpan(span)) continue;
    const normalized = adaptV1Span(span, processes);
    const key = `${normalized.traceId}\u0000${normalized.spanId}`;
    const copies = seen.get(key) ?? 0;
    seen.set(key, copies + 1);
    if (copies > 0) normalized.spanId = `${normalized.spanId}_${copies}`;
    spans.push(normalized);
  }
  return spans;
}

/** A v1 tag value by its declared type; Elasticsearch exports write every value as a string. */
function readV1TagValue(tag: JsonObject): AttributeValue {
  const value = tag.value;
  switch (String(tag.type ?? 'string').toLowerCase()) {
    case 'bool':
      return value === true || value === 'true';
    case 'int64': {
      const n = Number(value);
      return Number.isSafeInteger(n) ? n : String(value);
    }
    case 'float64': {
      const n = Number(value);
      return typeof value === 'number' ? value : Number.isFinite(n) ? n : String(value);
    }
    default:
      return value === null || value === undefined ? null : typeof value === 'object' ? (value as AttributeValue) : String(value);
  }
}

/** An api_v2 KeyValue: `vType` is omitted for strings (the proto default). */
function readV2TagValue(tag: JsonObject): AttributeValue {
  switch (String(tag.vType ?? 'STRING').toUpperCase()) {
    case 'BOOL':
      return tag.vBool === true || tag.vBool === 'true';
    case 'INT64': {
      const n = Number(tag.vInt64 ?? 0);
      return Number.isSafeInteger(n) ? n : String(tag.vInt64);
    }
    case 'FLOAT64': {
      const n = Number(tag.vFloat64 ?? 0);
      return typeof tag.vFloat64 === 'number' ? tag.vFloat64 : Number.isFinite(n) ? n : String(tag.vFloat64);
    }
    case 'BINARY':
      return String(tag.vBinary ?? '');
    default:
      return String(tag.vStr ?? '');
  }
}

function readTags(raw: unknown, readValue: (tag: JsonObject) => AttributeValue): Attributes {
  const attributes: Attributes = {};
  if (!Array.isArray(raw)) return attributes;
  for (const tag of raw) if (isJsonObject(tag) && typeof tag.key === 'string') attributes[tag.key] = readValue(tag);
  return attributes;
}

const KINDS: Record<string, SpanKind> = { internal: 'internal', server: 'server', client: 'client', producer: 'producer', consumer: 'consumer' };

/** Kind and status live in tags: `span.kind`, `error`, and the OTel exporter's `otel.status_*`. */
function readTagSemantics(tags: Attributes): { kind: SpanKind; status: SpanStatus; statusMessage: string | null } {
  const kind = ownEntry(KINDS, textOf(tags['span.kind']).toLowerCase()) ?? 'unspecified';
  const code = String(tags['otel.status_code'] ?? '').toUpperCase();
  let status: SpanStatus = 'unset';
  if (code === 'OK') status = 'ok';
  if (code === 'ERROR' || tags.error === true || tags.error === 'true') status = 'error';
  const description = tags['otel.status_description'];
  return { kind, status, statusMessage: typeof description === 'string' && description !== '' ? description : null };
}

function readScope(tags: Attributes): NormalizedSpan['scope'] {
  const name = tags['otel.scope.name'] ?? tags['otel.library.name'];
  if (typeof name !== 'string') return null;
  const version = tags['otel.scope.version'] ?? tags['otel.library.version'];
  return { name, version: typeof version === 'string' && version !== '' ? version : null };
}

function readProcess(process: unknown, readValue: (tag: JsonObject) => AttributeValue): Attributes {
  if (!isJsonObject(process)) return {};
  const resource: Attributes = {};
  if (typeof process.serviceName === 'string') resource['service.name'] = process.serviceName;
  return { ...resource, ...readTags(process.tags, readValue) };
}

interface Reference {
  traceId: string;
  spanId: string;
  refType: string;
}

/** Splits references into the parent (same trace, CHILD_OF first) and links (everything else). */
function splitReferences(
  references: Reference[],
  traceId: string,
  fallbackParent: unknown,
): { parentSpanId: string | null; links: NormalizedLink[] } {
  const sameTrace = (ref: Reference) => ref.traceId === '' || ref.traceId === traceId;
  const parent = references.find((ref) => sameTrace(ref) && ref.refType === 'CHILD_OF') ?? references.find((ref) => sameTrace(ref) && ref.refType === 'FOLLOWS_FROM');
  const links = references
    .filter((ref) => ref !== parent)
    .map((ref) => ({ traceId: ref.traceId === '' ? traceId : ref.traceId, spanId: ref.spanId, attributes: { 'jaeger.ref_type': ref.refType } as Attributes }));
  return { parentSpanId: parent ? normalizeParentId(parent.spanId) : normalizeParentId(fallbackParent), links };
}

/**
 * A span's references; the UI JSON spells the ids `traceID`/`spanID`, api_v2 `traceId`/`spanId`.
 * refType defaults to CHILD_OF (protobuf JSON omits an enum's zero value).
 */
function readReferences(raw: unknown, traceKey: string, spanKey: string): Reference[] {
  return (Array.isArray(raw) ? raw : []).filter(isJsonObject).map((ref) => ({
    traceId: normalizeId(ref[traceKey]),
    spanId: normalizeId(ref[spanKey]),
    refType: String(ref.refType ?? 'CHILD_OF').toUpperCase(),
  }));
}

function adaptV1Span(span: JsonObject, processes: JsonObject): NormalizedSpan {
  const traceId = normalizeId(span.traceID);
  const tags = readTags(span.tags, readV1TagValue);
  const references = readReferences(span.references, 'traceID', 'spanID');
  let resource: Attributes = {};
  if (isJsonObject(span.process)) resource = readProcess(span.process, readV1TagValue);
  else if (typeof span.processID === 'string') {
    const process = processes[span.processID];
    resource = isJsonObject(process) ? readProcess(process, readV1TagValue) : { 'service.name': 'unknown-service' };
  }
  const startNs = epochToNs(span.startTime, 'us');
  const durationNs = typeof span.duration === 'number' && span.duration >= 0 ? epochToNs(span.duration, 'us') ?? 0n : null;
  const events: NormalizedEvent[] = (Array.isArray(span.logs) ? span.logs : []).filter(isJsonObject).map((log) => {
    const fields = readTags(log.fields, readV1TagValue);
    return { name: typeof fields.event === 'string' ? fields.event : 'log', timeNs: epochToNs(log.timestamp, 'us'), attributes: fields };
  });
  return {
    traceId,
    spanId: normalizeId(span.spanID),
    ...splitReferences(references, traceId, span.parentSpanID),
    name: String(span.operationName ?? ''),
    ...readTagSemantics(tags),
    startNs,
    endNs: startNs !== null && durationNs !== null ? startNs + durationNs : null,
    attributes: tags,
    events,
    resource,
    scope: readScope(tags),
  };
}

/** A protobuf Timestamp as JSON: RFC 3339 text (any offset), or `{seconds, nanos}`. */
function readV2Time(raw: unknown): bigint | null {
  if (typeof raw === 'string') return parseIsoToNs(raw);
  if (isJsonObject(raw)) {
    const seconds = Number(raw.seconds ?? 0);
    const nanos = Number(raw.nanos ?? 0);
    if (!Number.isFinite(seconds) || !Number.isFinite(nanos)) return null;
    const ns = BigInt(Math.trunc(seconds)) * 1_000_000_000n + BigInt(Math.trunc(nanos));
    return ns > 0n ? ns : null;
  }
  return null;
}

function adaptApiV2(value: JsonObject): NormalizedSpan[] {
  const processes = new Map<string, Attributes>();
  for (const entry of Array.isArray(value.processMap) ? value.processMap : []) {
    if (isJsonObject(entry) && typeof entry.processId === 'string') processes.set(entry.processId, readProcess(entry.process, readV2TagValue));
  }
  const spans: NormalizedSpan[] = [];
  const seen = new Map<string, number>();
  for (const span of value.spans as unknown[]) {
    if (!isJsonObject(span)) continue;
    const traceId = normalizeId(span.traceId);
    const tags = readTags(span.tags, readV2TagValue);
    const references = readReferences(span.references, 'traceId', 'spanId');
    let resource: Attributes = {};
    if (isJsonObject(span.process)) resource = readProcess(span.process, readV2TagValue);
    else if (typeof span.processId === 'string') resource = processes.get(span.processId) ?? { 'service.name': 'unknown-service' };
    const startNs = readV2Time(span.startTime);
    // A zero duration is omitted by protobuf JSON, so a missing one is an instant.
    const durationNs = span.duration === undefined ? 0n : parseDurationTextToNs(span.duration);
    const events: NormalizedEvent[] = (Array.isArray(span.logs) ? span.logs : []).filter(isJsonObject).map((log) => {
      const fields = readTags(log.fields, readV2TagValue);
      return { name: typeof fields.event === 'string' ? fields.event : 'log', timeNs: readV2Time(log.timestamp), attributes: fields };
    });
    const normalized: NormalizedSpan = {
      traceId,
      spanId: normalizeId(span.spanId),
      ...splitReferences(references, traceId, undefined),
      name: String(span.operationName ?? ''),
      ...readTagSemantics(tags),
      startNs,
      endNs: startNs !== null && durationNs !== null ? startNs + durationNs : null,
      attributes: tags,
      events,
      resource,
      scope: readScope(tags),
    };
    const key = `${traceId}\u0000${normalized.spanId}`;
    const copies = seen.get(key) ?? 0;
    seen.set(key, copies + 1);
    if (copies > 0) normalized.spanId = `${normalized.spanId}_${copies}`;
    spans.push(normalized);
  }
  return spans;
}
