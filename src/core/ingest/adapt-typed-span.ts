/**
 * Caribou-style typed agent records (FORMATS.md §9; seeds 002, 004): JSONL of Message,
 * ToolExecution, Grade, criterion and Event spans and of run records, one per line in any
 * order. Ids are opaque and never normalised (`trc_s42`); a parent of null, `""` or nothing is
 * a root.
 *
 * Typed fields may sit at the top level, under `attributes`, or (run fields) in a `trace_run`
 * object; the top level wins, then `trace_run`, then `attributes`. Every field except the
 * envelope (ids and times) becomes an attribute, unknown ones included, so span detail shows
 * them and semantics reads them.
 *
 * A span without `end_time` or `duration_ms` was logged after the fact and is drawn as an
 * instant; a run without them is still open unless its status says it ended. A run record without a `span_id` gets the
 * stable id `run:<run_id>/<datapoint_id>/<step>` (the parts it has).
 *
 * A Grade's `criteria` dicts become child spans of the Grade, synthesised here with stable
 * ids `<grade id>#criterion-<i>` and the attribute `tracelight.synthesized: true`; they come
 * after the Grade among its record's spans, so span detail reads them back from that record.
 * Records arrive in any order, so whether real `grader.criterion` spans of the same Grade
 * hide them is decided when the tree is read (core/session-trees.ts), not here.
 */
import type { Attributes, AttributeValue } from '../../shared/model/attribute-value';
import type { SpanStatus } from '../../shared/model/span-type';
import { classifyTypedRecord, hasTypedRunFields, SYNTHESIZED_ATTRIBUTE, type TypedRecordType } from '../semantics/classify-typed-record';
import { isJsonObject, type JsonObject } from './is-json-object';
import type { NormalizedSpan } from './normalized-span';
import { epochToNs, parseAnyTimeToNs } from './parse-time';

/** Fields that place the record in the tree and in time, not attributes. */
const ENVELOPE = new Set(['trace_id', 'span_id', 'parent_span_id', 'start_time', 'end_time', 'timestamp', 'attributes', 'trace_run']);

function layersOf(value: JsonObject): JsonObject[] {
  const layers: JsonObject[] = [];
  if (isJsonObject(value.attributes)) layers.push(value.attributes);
  if (isJsonObject(value.trace_run)) layers.push(value.trace_run);
  layers.push(value);
  return layers;
}

/** The record's fields, lowest precedence first so later layers overwrite. */
function mergeFields(value: JsonObject): Attributes {
  const fields: Attributes = {};
  for (const layer of layersOf(value)) {
    for (const [key, raw] of Object.entries(layer)) if (!ENVELOPE.has(key)) fields[key] = (raw ?? null) as AttributeValue;
  }
  return fields;
}

/** An envelope field from the top level, else `trace_run`, else `attributes`. */
function envelope(value: JsonObject, key: string): unknown {
  for (const layer of layersOf(value).reverse()) if (layer[key] !== undefined && layer[key] !== null) return layer[key];
  return undefined;
}

/** True for a typed span (`span_kind`/`span_name`, no OTel `context`) or a run record. */
export function isTypedAgentRecord(value: JsonObject): boolean {
  if (isJsonObject(value.context)) return false;
  const fields = mergeFields(value);
  if (typeof fields.span_kind === 'string' || typeof fields.span_name === 'string') return true;
  if (isJsonObject(value.trace_run)) return true;
  return hasTypedRunFields(fields) && (envelope(value, 'trace_id') !== undefined || fields.run_id !== undefined);
}

const asText = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null);

function defaultName(type: TypedRecordType, fields: Attributes): string {
  const text = (key: string) => asText(fields[key]);
  switch (type) {
    case 'message':
      return text('grader_name') ? `grader.${text('grader_name')}` : `message.${text('role') ?? 'unknown'}`;
    case 'tool':
      return text('name') ? `tool.${text('name')}` : 'tool';
    case 'grade':
      return text('grader_type') ? `grader.${text('grader_type')}` : 'grader';
    case 'criterion':
      return 'grader.criterion';
    case 'event':
      return text('name') ? `event.${text('name')}` : 'event';
    case 'run':
      return 'trace_run';
    default:
      return 'span';
  }
}

/** A tool `error` fails only its span; a run's status is COMPLETED, TRUNCATED (finished, cut short) or ERROR. */
function readStatus(type: TypedRecordType, fields: Attributes): { status: SpanStatus; statusMessage: string | null } {
  const error = asText(fields.error);
  const status = String(fields.status ?? '').toUpperCase();
  if (status === 'ERROR') return { status: 'error', statusMessage: error };
  if (type === 'tool' && error !== null) return { status: 'error', statusMessage: error };
  if (status === 'TRUNCATED') return { status: 'ok', statusMessage: 'truncated' };
  if (status === 'COMPLETED' || status === 'OK') return { status: 'ok', statusMessage: null };
  return { status: 'unset', statusMessage: null };
}

function isTerminalRunStatus(status: unknown): boolean {
  return typeof status === 'string' && ['COMPLETED', 'TRUNCATED', 'ERROR', 'OK'].includes(status.toUpperCase());
}

/** The Grade's `criteria` as a list (JSON text is decoded: OTel exporters flatten lists to strings). */
function readCriteria(value: AttributeValue | undefined): AttributeValue[] {
  let list: unknown = value;
  if (typeof list === 'string' && list.trimStart().startsWith('[')) {
    try {
      list = JSON.parse(list);
    } catch {
      return [];
    }
  }
  return Array.isArray(list) ? (list as AttributeValue[]) : [];
}

/**
 * One child span per criteria dict of a Grade: same times as the Grade, the dict as its
 * attributes (score and passed read from it like a real criterion's). Entries that are not
 * dicts are skipped but keep their index in the id. A Grade without an id cannot parent them.
 */
function synthesizeCriteria(grade: NormalizedSpan): NormalizedSpan[] {
  if (grade.spanId === '') return [];
  const spans: NormalizedSpan[] = [];
  readCriteria(grade.attributes.criteria).forEach((criterion, i) => {
    if (!isJsonObject(criterion)) return;
    const attributes: Attributes = { ...(criterion as Attributes), span_kind: 'grader.criterion', [SYNTHESIZED_ATTRIBUTE]: true };
    spans.push({
      traceId: grade.traceId,
      spanId: `${grade.spanId}#criterion-${i}`,
      parentSpanId: grade.spanId,
      name: 'grader.criterion',
      kind: 'unspecified',
      startNs: grade.startNs,
      endNs: grade.endNs,
      ...readStatus('criterion', attributes),
      attributes,
      events: [],
      links: [],
      resource: {},
      scope: null,
    });
  });
  return spans;
}

/** Maps one typed record to its spans: the record's own span, then any criteria synthesised from a Grade. */
export function adaptTypedRecord(value: JsonObject): NormalizedSpan[] {
  const { span, type } = adaptTyped(value);
  return type === 'grade' && span.attributes.criteria !== undefined ? [span, ...synthesizeCriteria(span)] : [span];
}

/** The record's own span in the normalized model, and which typed record it is. */
function adaptTyped(value: JsonObject): { span: NormalizedSpan; type: TypedRecordType } {
  const fields = mergeFields(value);
  const rawSpanId = asText(envelope(value, 'span_id'));
  const type = classifyTypedRecord(fields, rawSpanId !== null);
  let spanId = rawSpanId;
  if (spanId === null) {
    const parts = ['run_id', 'datapoint_id', 'step'].map((key) => asText(fields[key])).filter((part) => part !== null);
    spanId = type === 'run' ? `run:${parts.join('/')}` : '';
  }
  const startNs = parseAnyTimeToNs(envelope(value, 'start_time') ?? envelope(value, 'timestamp'));
  let endNs = parseAnyTimeToNs(envelope(value, 'end_time'));
  const durationMs = fields.duration_ms;
  if (endNs === null && startNs !== null) {
    if (typeof durationMs === 'number' && durationMs >= 0) endNs = startNs + (epochToNs(durationMs, 'ms') ?? 0n);
    // A run is open until its status says it ended; any other record without an end is an instant.
    else if (type !== 'run' || isTerminalRunStatus(fields.status)) endNs = startNs;
  }
  const name = asText(fields.span_name) ?? asText(fields.span_kind) ?? defaultName(type, fields);
  const span: NormalizedSpan = {
    traceId: asText(envelope(value, 'trace_id')) ?? '',
    spanId,
    parentSpanId: asText(envelope(value, 'parent_span_id')),
    name,
    kind: 'unspecified',
    startNs,
    endNs,
    ...readStatus(type, fields),
    attributes: fields,
    events: [],
    links: [],
    resource: {},
    scope: null,
  };
  return { span, type };
}
