/**
 * Langfuse exports (FORMATS.md §5.3): blob-storage export rows (`observations/`,
 * `observations_v2/`, `traces/` and `scores/`, snake_case, times `YYYY-MM-DD HH:MM:SS.ffffff` UTC
 * with no zone, as JSON, JSONL or CSV) and the public API's camelCase JSON: `{data: [observation…],
 * meta}`, a bare array, or a trace from `GET /traces/{id}` holding `observations`. CamelCase keys
 * are read as their snake_case twins, so both forms go through one mapping. A CSV row comes with
 * every value as text (JSON columns as JSON text, null as ""), so "" counts as absent and JSON
 * text is decoded where a number is read from it (usage, cost); attributes keep it as text.
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
 *
 * A trace row becomes the trace's root span: its id is the trace id (that is how the tree
 * builder knows it stands for the trace and hangs the trace's parentless observations and
 * scores under it; without a trace row they stay roots). It records when the trace was created,
 * not how long it ran, so it is an instant (the API's `latency`, when given, is its duration).
 * A score becomes an evaluation span (`score <name>`, an EVALUATOR, so a grader) at its
 * timestamp, under its observation, else parentless in its trace (so under the trace row when
 * there is one); a score of a session or dataset run, with no trace, is a trace of its own.
 */
import type { Attributes, AttributeValue } from '../../shared/model/attribute-value';
import { isJsonObject, type JsonObject } from './is-json-object';
import type { NormalizedSpan } from './normalized-span';
import { readCsvHeaderRow } from './frame-csv-records';
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

/** A trace's list of observation objects (`GET /traces/{id}`), or null (the trace list holds their ids only). */
function readTraceObservations(value: JsonObject): unknown[] | null {
  const list = value.observations;
  return Array.isArray(list) && isLangfuseObservation(list.find(isJsonObject)) ? list : null;
}

/** The row list of an API document: `{data: […]}` of observations, traces or scores, or a trace's observations; else null. */
function readRowList(value: JsonObject): unknown[] | null {
  const data = value.data;
  if (Array.isArray(data) && isLangfuseRow(data.find(isJsonObject))) return data;
  return readTraceObservations(value);
}

/** Keys only a Langfuse trace has among rows with an `id` and a `timestamp` (either case). */
const TRACE_ONLY_KEYS = ['session_id', 'sessionId', 'user_id', 'userId', 'release', 'public', 'bookmarked', 'project_id', 'projectId'];
/** Keys that make a row something other than a trace: an observation, a score, a span of another format. */
const NOT_TRACE_KEYS = ['trace_id', 'traceId', 'traceID', 'type', 'span_id', 'spanId', 'data_type', 'dataType'];

/**
 * True for one trace row of the `traces/` export (or a trace of the API's list, camelCase): an
 * `id` and a `timestamp`, at least two trace-only fields (session, user, release, public,
 * bookmarked, project), and none of the keys of an observation, a score or another format's span
 * (Zipkin's `traceId`, Jaeger's `traceID`, typed spans' `span_id`). A trace holding its
 * observations (`GET /traces/{id}`) is read as that list instead, as before.
 */
export function isLangfuseTraceRow(value: unknown): value is JsonObject {
  if (!isJsonObject(value) || !('id' in value) || !('timestamp' in value)) return false;
  for (const key of NOT_TRACE_KEYS) if (key in value) return false;
  if ('observations' in value && readTraceObservations(value) !== null) return false;
  let found = 0;
  for (const key of TRACE_ONLY_KEYS) if (key in value && ++found === 2) return true;
  return false;
}

/** The entity a score may be attached to (either case); a score has at least one. */
const SCORE_TARGET_KEYS = ['trace_id', 'traceId', 'observation_id', 'observationId', 'session_id', 'sessionId', 'dataset_run_id', 'datasetRunId'];

/**
 * True for one score row of the `scores/` export (or the API's, camelCase): an `id`, a `name`,
 * a `data_type`, a `value` or `string_value`, and the trace, observation, session or dataset run
 * it scores; never a `type` (observations have one).
 */
export function isLangfuseScore(value: unknown): value is JsonObject {
  if (!isJsonObject(value) || 'type' in value || !('id' in value) || !('name' in value)) return false;
  if (!('data_type' in value) && !('dataType' in value)) return false;
  if (!('value' in value) && !('string_value' in value) && !('stringValue' in value)) return false;
  return SCORE_TARGET_KEYS.some((key) => key in value);
}

/** True for one row of any Langfuse export: an observation, a trace or a score. */
export function isLangfuseRow(value: unknown): value is JsonObject {
  return isLangfuseObservation(value) || isLangfuseTraceRow(value) || isLangfuseScore(value);
}

/** True for one row or a document holding a list of them. */
export function isLangfuseRecord(value: JsonObject): boolean {
  return isLangfuseRow(value) || readRowList(value) !== null;
}

/**
 * True when CSV columns are those of a Langfuse export file: a row with these keys (and
 * placeholder values) would be an observation, a trace or a score row.
 */
export function isLangfuseCsvHeader(columns: readonly string[]): boolean {
  const row: JsonObject = {};
  for (const column of columns) row[column] = '';
  if (columns.includes('type')) row.type = 'SPAN';
  return isLangfuseRow(row);
}

/**
 * The columns of a Langfuse CSV export from a file's first bytes; null when the file does not
 * start with such a header row. `'pending'` when the first line is still being written and may
 * yet become one (no line break yet, and not the start of a JSON value).
 */
export function readLangfuseCsvHeader(head: Buffer, isComplete: boolean): string[] | 'pending' | null {
  const text = head.toString('utf8', 0, Math.min(head.length, 64)).replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('{') || text.startsWith('[')) return null;
  const columns = readCsvHeaderRow(head, isComplete);
  if (columns) return isLangfuseCsvHeader(columns) ? columns : null;
  return isComplete ? null : 'pending';
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

/** Absent in a Langfuse row: null, missing, or "" (a CSV export writes null as an empty field). */
const isAbsent = (value: unknown): boolean => value === null || value === undefined || value === '';

function asNumber(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

/** An object, or JSON-object text decoded (a CSV export writes maps as JSON text); else null. */
function readObject(value: unknown): JsonObject | null {
  if (isJsonObject(value)) return value;
  if (typeof value !== 'string' || !value.trimStart().startsWith('{')) return null;
  try {
    const decoded: unknown = JSON.parse(value);
    return isJsonObject(decoded) ? decoded : null;
  } catch {
    return null;
  }
}

/** Metadata as dotted `metadata.*` keys; lists and scalars are values. JSON-object text is read as the object. */
function flattenMetadata(out: Attributes, key: string, value: unknown): void {
  if (typeof value === 'string' && key === 'metadata') value = readObject(value) ?? value;
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
  const details = readObject(row.usage_details);
  const usage = details && Object.keys(details).length > 0 ? details : (readObject(row.usage) ?? {});
  const inputTokens = asNumber(usage.input);
  const outputTokens = asNumber(usage.output);
  if (inputTokens !== null) attributes['gen_ai.usage.input_tokens'] = inputTokens;
  if (outputTokens !== null) attributes['gen_ai.usage.output_tokens'] = outputTokens;
  const cost = asNumber(readObject(row.cost_details)?.total) ?? asNumber(row.calculated_total_cost);
  if (cost !== null) attributes['gen_ai.usage.cost'] = cost;
}

/** Every present field not in `envelope`, under its `renamed` name or `<prefix><field>`; metadata flattened. */
function readFields(row: JsonObject, envelope: ReadonlySet<string>, renamed: Readonly<Record<string, string>>, prefix: string): Attributes {
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(row)) {
    if (isAbsent(value) || envelope.has(key)) continue;
    attributes[renamed[key] ?? `${prefix}${key}`] = value as AttributeValue;
  }
  if (!isAbsent(row.metadata)) flattenMetadata(attributes, 'metadata', row.metadata);
  return attributes;
}

function readAttributes(row: JsonObject): Attributes {
  const attributes = readFields(row, ENVELOPE, RENAMED, 'langfuse.');
  // The API's `model` is the name the caller gave; the export's `provided_model_name` wins.
  if (attributes['gen_ai.request.model'] === undefined && typeof row.model === 'string' && row.model !== '') attributes['gen_ai.request.model'] = row.model;
  addUsage(attributes, row);
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

/** The span fields every Langfuse row shares: no kind, resource, scope, events or links. */
function makeSpan(fields: Pick<NormalizedSpan, 'traceId' | 'spanId' | 'parentSpanId' | 'name' | 'startNs' | 'endNs' | 'status' | 'statusMessage' | 'attributes'>): NormalizedSpan {
  return { ...fields, kind: 'unspecified', events: [], links: [], resource: {}, scope: null };
}

/** One observation row (either case) as a span; null when it has no id to place it by. */
function adaptObservation(raw: JsonObject, trace: JsonObject): NormalizedSpan | null {
  const row = toSnakeKeys(raw);
  for (const [from, to] of TRACE_FIELDS) if (isAbsent(row[to]) && trace[from] !== undefined) row[to] = trace[from];
  const spanId = readId(row.id);
  if (spanId === '') return null;
  const type = String(row.type ?? '').toUpperCase();
  const startNs = parseAnyTimeToNs(row.start_time);
  const endNs = parseAnyTimeToNs(row.end_time) ?? (type === 'EVENT' ? startNs : null);
  return makeSpan({
    traceId: readId(row.trace_id),
    spanId,
    parentSpanId: readParentId(row.parent_observation_id),
    name: asText(row.name) ?? (type === '' ? 'observation' : type.toLowerCase()),
    startNs,
    endNs,
    status: String(row.level ?? '').toUpperCase() === 'ERROR' ? 'error' : 'unset',
    statusMessage: asText(row.status_message),
    attributes: readAttributes(row),
  });
}

/** Trace fields read into the root span itself (id, name, time) or flattened (metadata). */
const TRACE_ENVELOPE = new Set(['id', 'name', 'timestamp', 'metadata']);

/** Trace fields with a well-known attribute name (Langfuse's OTel names); the rest are `langfuse.<field>`. */
const TRACE_RENAMED: Record<string, string> = {
  session_id: 'session.id',
  user_id: 'user.id',
  tags: 'langfuse.trace.tags',
  input: 'langfuse.trace.input',
  output: 'langfuse.trace.output',
  public: 'langfuse.trace.public',
  release: 'langfuse.release',
  version: 'langfuse.version',
  environment: 'langfuse.environment',
};

/**
 * One trace row (either case) as the root span of its trace: span id = trace id, created at
 * `timestamp`, an instant unless the API's `latency` (seconds) gives its duration.
 */
function adaptTraceRow(raw: JsonObject): NormalizedSpan | null {
  const row = toSnakeKeys(raw);
  const traceId = readId(row.id);
  if (traceId === '') return null;
  const startNs = parseAnyTimeToNs(row.timestamp);
  const latencyNs = Math.round((asNumber(row.latency) ?? -1) * 1e9);
  const endNs = startNs !== null && latencyNs >= 0 && Number.isSafeInteger(latencyNs) ? startNs + BigInt(latencyNs) : startNs;
  return makeSpan({
    traceId,
    spanId: traceId,
    parentSpanId: null,
    name: asText(row.name) ?? 'trace',
    startNs,
    endNs,
    status: 'unset',
    statusMessage: null,
    attributes: readFields(row, TRACE_ENVELOPE, TRACE_RENAMED, 'langfuse.'),
  });
}

/** Score fields read into the span itself or into the evaluation attributes. */
const SCORE_ENVELOPE = new Set(['id', 'name', 'timestamp', 'trace_id', 'observation_id', 'value', 'string_value', 'comment', 'metadata']);

/** Score fields with a well-known attribute name; the rest are `langfuse.score.<field>`. */
const SCORE_RENAMED: Record<string, string> = {
  session_id: 'session.id',
  environment: 'langfuse.environment',
  project_id: 'langfuse.project_id',
};

/**
 * One score row (either case) as an evaluation span. The value goes where semantics reads a
 * grade's score (`gen_ai.evaluation.score.value`, OTel GenAI's evaluation names): a NUMERIC score's
 * number, a BOOLEAN's 1 or 0; the text of a CATEGORICAL or BOOLEAN score is its label, and the
 * comment its explanation.
 */
function adaptScore(raw: JsonObject): NormalizedSpan | null {
  const row = toSnakeKeys(raw);
  const spanId = readId(row.id);
  if (spanId === '') return null;
  const dataType = String(row.data_type ?? '').toUpperCase();
  const name = asText(row.name) ?? 'score';
  const attributes: Attributes = { 'langfuse.observation.type': 'EVALUATOR', 'gen_ai.evaluation.name': name };
  const value = asNumber(row.value);
  const label = asText(row.string_value);
  if (dataType === 'CATEGORICAL') {
    if (!isAbsent(row.value)) attributes['langfuse.score.value'] = row.value as AttributeValue;
  } else if (value !== null) {
    attributes['gen_ai.evaluation.score.value'] = value;
  }
  if (label !== null) attributes['gen_ai.evaluation.score.label'] = label;
  else if (dataType === 'BOOLEAN' && value !== null) attributes['gen_ai.evaluation.score.label'] = value !== 0 ? 'True' : 'False';
  const comment = asText(row.comment);
  if (comment !== null) attributes['gen_ai.evaluation.explanation'] = comment;
  Object.assign(attributes, readFields(row, SCORE_ENVELOPE, SCORE_RENAMED, 'langfuse.score.'));
  const startNs = parseAnyTimeToNs(row.timestamp);
  return makeSpan({
    // A score of a session or a dataset run has no trace: it is a trace of its own.
    traceId: readId(row.trace_id) || spanId,
    spanId,
    parentSpanId: readParentId(row.observation_id),
    name: `score ${name}`,
    startNs,
    endNs: startNs,
    status: 'unset',
    statusMessage: null,
    attributes,
  });
}

/** One export row of any kind as its span; null when it is none, or has no id to place it by. */
function adaptRow(element: unknown, trace: JsonObject): NormalizedSpan | null {
  if (isLangfuseObservation(element)) return adaptObservation(element, trace);
  if (isLangfuseTraceRow(element)) return adaptTraceRow(element);
  if (isLangfuseScore(element)) return adaptScore(element);
  return null;
}

/** Every row with an id in one record: a row, an API document, or a list of rows (observations, traces, scores). */
export function adaptLangfuseRecord(value: JsonObject | unknown[]): NormalizedSpan[] {
  const trace = !Array.isArray(value) && readTraceObservations(value) !== null ? toSnakeKeys(value) : {};
  const list = Array.isArray(value) ? value : isLangfuseRow(value) ? [value] : (readRowList(value) ?? []);
  const spans: NormalizedSpan[] = [];
  for (const element of list) {
    const span = adaptRow(element, trace);
    if (span) spans.push(span);
  }
  return spans;
}
