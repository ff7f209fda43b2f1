/**
 * Langfuse observations (FORMATS.md §5.3): blob-storage export rows (`observations/` and
 * `observations_v2/`, snake_case, times `YYYY-MM-DD HH:MM:SS.ffffff` UTC with no zone) and the
 * public API's camelCase JSON: `{data: [observation…], meta}`, a bare array, or a trace from
 * `GET /traces/{id}` holding `observations`. CamelCase keys are read as their snake_case
 * twins, so both forms go through one mapping.
 *
 * Fields are renamed to the attribute names semantics already reads, so Langfuse needs no
 * special case there beyond its observation type: Langfuse's own OTel names
 * (`langfuse.observation.type`, `.input`, `.output`, `.usage_details` …, `session.id`,
 * `user.id`), and the GenAI names for the model, tokens and cost. Metadata becomes flat
 * `metadata.*` keys. Input and output stay as written (often JSON text, possibly large): they
 * are decoded lazily by whoever shows them. Any other field is kept as `langfuse.<field>`.
 *
 * Ids are kept as written, except 16 or 32 hex characters, which are lower-cased. Langfuse has
 * no span kind. `level: ERROR` is the error status; `status_message` is the status message at
 * any level, since a WARNING's message is worth showing too. An EVENT is a point in time, so
 * one without an end is an instant, not an open bar; any other observation without one is open.
 */
import type { Attributes, AttributeValue } from '../../shared/model/attribute-value';
import { isJsonObject, type JsonObject } from './is-json-object';
import type { NormalizedSpan } from './normalized-span';
import { parseAnyTimeToNs } from './parse-time';

/** Observation types an SDK may write; matched upper-case (exports upper-case, SDKs lower-case). */
const OBSERVATION_TYPES = new Set(['SPAN', 'GENERATION', 'EVENT', 'AGENT', 'TOOL', 'CHAIN', 'RETRIEVER', 'EVALUATOR', 'EMBEDDING', 'GUARDRAIL']);

/**
 * True for one observation: `trace_id` + `parent_observation_id` + `type` as §1 says (either
 * case). A root whose writer dropped its null parent (`exclude_none`) still counts when it has
 * an `id`, a start and a type Langfuse defines, a combination no other format writes.
 */
export function isLangfuseObservation(value: unknown): value is JsonObject {
  if (!isJsonObject(value) || typeof value.type !== 'string') return false;
  const hasTraceId = 'trace_id' in value || 'traceId' in value;
  if (!hasTraceId) return false;
  if ('parent_observation_id' in value || 'parentObservationId' in value) return true;
  return 'id' in value && !('span_id' in value) && ('start_time' in value || 'startTime' in value) && OBSERVATION_TYPES.has(value.type.toUpperCase());
}

/** The observation list of an API document (`{data: […]}`, a trace's `observations`), or null. */
function readObservationList(value: JsonObject): unknown[] | null {
  for (const key of ['data', 'observations']) {
    const list = value[key];
    if (Array.isArray(list) && isLangfuseObservation(list.find(isJsonObject))) return list;
  }
  return null;
}

/** True for one observation or a document holding a list of them. */
export function isLangfuseRecord(value: JsonObject): boolean {
  return isLangfuseObservation(value) || readObservationList(value) !== null;
}

const toSnakeCase = (key: string): string => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** The object with camelCase top-level keys renamed; a key already in snake_case wins. */
function toSnakeKeys(value: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, field] of Object.entries(value)) {
    const snake = toSnakeCase(key);
    if (snake === key || !(snake in value)) out[snake] = field;
  }
  return out;
}

/** Fields read into the span itself (ids, name, times, status) or mapped apart (metadata, model). */
const ENVELOPE = new Set(['id', 'trace_id', 'parent_observation_id', 'name', 'start_time', 'end_time', 'status_message', 'metadata', 'model']);

/** Fields with a well-known attribute name (Langfuse's OTel names, GenAI's for the model). */
const RENAMED: Record<string, string> = {
  type: 'langfuse.observation.type',
  level: 'langfuse.observation.level',
  input: 'langfuse.observation.input',
  output: 'langfuse.observation.output',
  completion_start_time: 'langfuse.observation.completion_start_time',
  model_parameters: 'langfuse.observation.model.parameters',
  usage_details: 'langfuse.observation.usage_details',
  cost_details: 'langfuse.observation.cost_details',
  prompt_name: 'langfuse.observation.prompt.name',
  prompt_version: 'langfuse.observation.prompt.version',
  provided_model_name: 'gen_ai.request.model',
  session_id: 'session.id',
  user_id: 'user.id',
  trace_name: 'langfuse.trace.name',
  tags: 'langfuse.trace.tags',
  environment: 'langfuse.environment',
  version: 'langfuse.version',
};

/** Trace fields a `GET /traces/{id}` response holds once for all its observations. */
const TRACE_FIELDS: [string, string][] = [
  ['session_id', 'session_id'],
  ['user_id', 'user_id'],
  ['name', 'trace_name'],
  ['tags', 'tags'],
];

function asNumber(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

/** Metadata as dotted `metadata.*` keys; lists and scalars are values. JSON-object text is read as the object. */
function flattenMetadata(out: Attributes, key: string, value: unknown): void {
  if (typeof value === 'string' && key === 'metadata' && value.trimStart().startsWith('{')) {
    try {
      value = JSON.parse(value);
    } catch {
      // Not JSON after all: kept as the text it is.
    }
  }
  if (isJsonObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0 && key !== 'metadata') out[key] = {};
    for (const [child, childValue] of entries) flattenMetadata(out, `${key}.${child}`, childValue);
    return;
  }
  if (value !== null && value !== undefined) out[key] = value as AttributeValue;
}

/** Tokens and cost under the GenAI names semantics reads; the whole maps stay under their Langfuse names. */
function addUsage(attributes: Attributes, row: JsonObject): void {
  const usage = isJsonObject(row.usage_details) && Object.keys(row.usage_details).length > 0 ? row.usage_details : isJsonObject(row.usage) ? row.usage : {};
  const inputTokens = asNumber(usage.input);
  const outputTokens = asNumber(usage.output);
  if (inputTokens !== null) attributes['gen_ai.usage.input_tokens'] = inputTokens;
  if (outputTokens !== null) attributes['gen_ai.usage.output_tokens'] = outputTokens;
  const cost = asNumber(isJsonObject(row.cost_details) ? row.cost_details.total : undefined) ?? asNumber(row.calculated_total_cost);
  if (cost !== null) attributes['gen_ai.usage.cost'] = cost;
}

function readAttributes(row: JsonObject): Attributes {
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null || value === undefined || ENVELOPE.has(key)) continue;
    attributes[RENAMED[key] ?? `langfuse.${key}`] = value as AttributeValue;
  }
  // The API's `model` is the name the caller gave; the export's `provided_model_name` wins.
  if (attributes['gen_ai.request.model'] === undefined && typeof row.model === 'string' && row.model !== '') attributes['gen_ai.request.model'] = row.model;
  addUsage(attributes, row);
  if (row.metadata !== null && row.metadata !== undefined) flattenMetadata(attributes, 'metadata', row.metadata);
  return attributes;
}

const HEX_ID = /^(?:[0-9a-fA-F]{16}|[0-9a-fA-F]{32})$/;

/**
 * Langfuse ids are UUIDs, OTel hex, or any string the caller chose; never base64. So only hex
 * is normalised (§11.1): read as base64, a free-form `trace-arr-1` would become 8 bytes of hex.
 */
function readId(raw: unknown): string {
  const id = typeof raw === 'string' ? raw.trim() : typeof raw === 'number' ? String(raw) : '';
  return HEX_ID.test(id) ? id.toLowerCase() : id;
}

/** A parent id, or null for a root (null, "", all zeros). */
function readParentId(raw: unknown): string | null {
  const id = readId(raw);
  return id === '' || /^0+$/.test(id) ? null : id;
}

const asText = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null);

/** One observation row (either case) as a span; null when it has no id to place it by. */
function adaptObservation(raw: JsonObject, trace: JsonObject): NormalizedSpan | null {
  const row = toSnakeKeys(raw);
  for (const [from, to] of TRACE_FIELDS) if ((row[to] === undefined || row[to] === null) && trace[from] !== undefined) row[to] = trace[from];
  const spanId = readId(row.id);
  if (spanId === '') return null;
  const type = String(row.type ?? '').toUpperCase();
  const startNs = parseAnyTimeToNs(row.start_time);
  const endNs = parseAnyTimeToNs(row.end_time) ?? (type === 'EVENT' ? startNs : null);
  return {
    traceId: readId(row.trace_id),
    spanId,
    parentSpanId: readParentId(row.parent_observation_id),
    name: asText(row.name) ?? (type === '' ? 'observation' : type.toLowerCase()),
    kind: 'unspecified',
    startNs,
    endNs,
    status: String(row.level ?? '').toUpperCase() === 'ERROR' ? 'error' : 'unset',
    statusMessage: asText(row.status_message),
    attributes: readAttributes(row),
    events: [],
    links: [],
    resource: {},
    scope: null,
  };
}

/** Every observation with an id in one record: a row, an API document, or a list of rows. */
export function adaptLangfuseRecord(value: JsonObject | unknown[]): NormalizedSpan[] {
  const trace = !Array.isArray(value) && Array.isArray(value.observations) ? toSnakeKeys(value) : {};
  const list = Array.isArray(value) ? value : isLangfuseObservation(value) ? [value] : readObservationList(value) ?? [];
  const spans: NormalizedSpan[] = [];
  for (const element of list) {
    if (!isLangfuseObservation(element)) continue;
    const span = adaptObservation(element, trace);
    if (span) spans.push(span);
  }
  return spans;
}
