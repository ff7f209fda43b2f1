/**
 * MLflow's tracking store `mlflow.db` (FORMATS.md §5.2). Since 2025-08 a span is a `spans`
 * row whose `content` is the span dict (V3: snake_case OTLP with base64 ids; V2: `context`),
 * mapped by the MLflow JSON adapter. Older traces have no `spans` rows: their spans are in
 * the artifact file `traces.json` under the tag `mlflow.artifactLocation`, read when that is
 * on this machine (a path, relative to the database's folder, or a `file:` URI). Otherwise
 * one root span is made from the `trace_info` row, so every trace is listed: named by
 * `mlflow.traceName`, timed by `timestamp_ms` + `execution_time_ms` (NULL: still running),
 * its previews as `mlflow.spanInputs`/`mlflow.spanOutputs`, its tags and request metadata as
 * attributes.
 *
 * The request metadata `mlflow.trace.session` becomes `session.id` on every span of the trace
 * that lacks one, and the experiment id the resource attribute `mlflow.experimentId`.
 *
 * Assessments (the `assessments` table, migration 770bee3ae1dd, 2025-06) become grades: each
 * row is an evaluation span (`mlflow.spanType` EVALUATOR, so a grader) named `feedback
 * <name>` or `expectation <name>`, a child of the span it assesses (`span_id`), else of the
 * trace's root (the parentless span that starts first). It is an instant at that span's end
 * (its start if it has none; failing that the trace's end, then the assessment's creation),
 * not at its creation time, which may be days after the trace. A valid feedback's value goes
 * where semantics reads a grade (`gen_ai.evaluation.*`): a number is its score; a boolean a
 * score of 1 or 0 and the label True or False; text its label; anything else stays as
 * `mlflow.assessment.value`. An expectation is a reference, not a grade: its value is only
 * `mlflow.assessment.value`, as is that of an assessment marked invalid (superseded by one
 * that `overrides` it), so no grade counts twice. The rationale is the explanation; a failed
 * judge's `error` is kept as `mlflow.assessment.error.*` without making the span an error,
 * which would count against the agent's trace.
 */
import type Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Attributes, AttributeValue } from '../../../shared/model/attribute-value';
import { adaptMlflowRecord, decodeValue } from '../../ingest/adapt-mlflow';
import { isJsonObject, type JsonObject } from '../../ingest/is-json-object';
import type { NormalizedSpan } from '../../ingest/normalized-span';
import { normalizeId, normalizeParentId } from '../../ingest/normalize-id';
import type { StorePointer, StoreReader, StoreRowError, StoreSpan, StoreSpanDetail } from './store-reader';
import {
  PAGE_ROWS,
  decodeJsonColumn,
  describeRow,
  forEachRowPage,
  parseJsonExact,
  pickColumn,
  readNumber,
  readText,
  requireColumns,
  selectColumn,
  readJsonColumnAttributes,
} from './store-row-values';
import { readColumnNames } from './read-store-schema';

const SPANS = 'spans';
const TRACE_INFO = 'trace_info';
const ASSESSMENTS = 'assessments';
const SESSION_KEY = 'mlflow.trace.session';
/** A V3 trace id: "tr-" + the OTel trace id in hex, which its spans carry. */
const V3_TRACE_ID = /^tr-([0-9a-fA-F]{32})$/;

interface MlflowSchema {
  hasSpans: boolean;
  hasMetadata: boolean;
  info: Set<string>;
  /** The `spans` columns; empty when the store predates the table. */
  spans: Set<string>;
  /** The `assessments` columns; empty when the store predates them. */
  assessments: Set<string>;
}

function readSchema(db: Database.Database): MlflowSchema {
  const info = readColumnNames(db, TRACE_INFO);
  requireColumns(TRACE_INFO, info, ['request_id', 'timestamp_ms']);
  requireColumns('trace_tags', readColumnNames(db, 'trace_tags'), ['request_id', 'key', 'value']);
  const spans = readColumnNames(db, SPANS);
  if (spans.size > 0) requireColumns(SPANS, spans, ['trace_id', 'content']);
  const metadata = readColumnNames(db, 'trace_request_metadata');
  return {
    hasSpans: spans.size > 0,
    hasMetadata: ['request_id', 'key', 'value'].every((column) => metadata.has(column)),
    info,
    spans,
    assessments: readColumnNames(db, ASSESSMENTS),
  };
}

function buildSpanQuery(schema: MlflowSchema, where: 'page' | 'one'): string {
  const session = schema.hasMetadata
    ? `(SELECT m.value FROM trace_request_metadata m WHERE m.request_id = s.trace_id AND m.key = '${SESSION_KEY}') AS session_id`
    : 'NULL AS session_id';
  const filter = where === 'page' ? `WHERE s.rowid > ? ORDER BY s.rowid LIMIT ${PAGE_ROWS}` : 'WHERE s.rowid = ?';
  return `SELECT s.rowid AS row_id, s.content AS content, ${selectColumn('t', pickColumn(schema.info, ['experiment_id']), 'experiment_id')}, ${session}
    FROM spans s LEFT JOIN trace_info t ON t.request_id = s.trace_id ${filter}`;
}

function buildTraceQuery(schema: MlflowSchema, where: 'page' | 'one'): string {
  const column = (name: string) => selectColumn('t', pickColumn(schema.info, [name]), name);
  const hasSpans = schema.hasSpans ? 'EXISTS (SELECT 1 FROM spans x WHERE x.trace_id = t.request_id) AS has_spans' : '0 AS has_spans';
  const filter = where === 'page' ? `WHERE t.rowid > ? ORDER BY t.rowid LIMIT ${PAGE_ROWS}` : 'WHERE t.rowid = ?';
  const columns = ['experiment_id', 'timestamp_ms', 'execution_time_ms', 'status', 'request_preview', 'response_preview'].map(column);
  return `SELECT t.rowid AS row_id, t.request_id AS request_id, ${columns.join(', ')}, ${hasSpans} FROM trace_info t ${filter}`;
}

/** A trace's tags or request metadata as key → value, in the order they were written. */
function readKeyValues(statement: Database.Statement | null, requestId: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (statement === null) return out;
  for (const row of statement.all(requestId) as { key: unknown; value: unknown }[]) {
    const key = readText(row.key);
    if (key !== null) out[key] = readText(row.value) ?? '';
  }
  return out;
}

/** The statements that read a trace's tags and request metadata, prepared once per read. */
interface KeyValueStatements {
  tags: Database.Statement;
  metadata: Database.Statement | null;
}

function prepareKeyValues(db: Database.Database, schema: MlflowSchema): KeyValueStatements {
  const select = (table: string) => db.prepare(`SELECT key, value FROM ${table} WHERE request_id = ? ORDER BY rowid`);
  return { tags: select('trace_tags'), metadata: schema.hasMetadata ? select('trace_request_metadata') : null };
}

/** What every span of a trace gets from the trace: its session (unless it names one) and its experiment. */
function addTraceFields(span: NormalizedSpan, sessionId: string | null, experimentId: string | null): NormalizedSpan {
  const current = span.attributes['session.id'];
  if (sessionId !== null && sessionId !== '' && (current === undefined || current === null || current === '')) span.attributes['session.id'] = sessionId;
  if (experimentId !== null) span.resource = { ...span.resource, 'mlflow.experimentId': experimentId };
  return span;
}

/** One MLflow span dict (V3 or V2) as a normalized span, or why it cannot be one ("not …", "missing …"). */
function adaptSpanDict(value: unknown): NormalizedSpan | string {
  if (!isJsonObject(value)) return 'not a JSON object';
  const [span] = adaptMlflowRecord(value);
  if (!span) return 'not an MLflow span (V3 or V2)';
  if (span.traceId === '') return 'missing its trace_id';
  if (span.spanId === '') return 'missing its span_id';
  return span;
}

/** A `spans` row as a normalized span, or why it cannot be one. */
function readSpanRow(db: Database.Database, row: Record<string, unknown>): NormalizedSpan | string {
  let content: unknown;
  try {
    content = decodeJsonColumn(db, row.content);
  } catch {
    return 'content is not JSON';
  }
  if (content === null) return 'content is empty';
  const span = adaptSpanDict(content);
  if (typeof span === 'string') return `content is ${span}`;
  return addTraceFields(span, readText(row.session_id), readText(row.experiment_id));
}

/** The `traces.json` of a trace's artifact location, when that is a folder on this machine and the file is there. */
function findTracesFile(db: Database.Database, location: string | undefined): string | null {
  if (!location) return null;
  let folder: string;
  if (/^file:/i.test(location)) {
    try {
      folder = fileURLToPath(location);
    } catch {
      return null;
    }
  } else if (/^[a-z][a-z0-9+.-]+:/i.test(location)) {
    // s3:, dbfs:, mlflow-artifacts:, http(s): not on this machine. (One letter is a Windows drive.)
    return null;
  } else {
    folder = isAbsolute(location) ? location : resolve(dirname(db.name), location);
  }
  const file = join(folder, 'traces.json');
  return existsSync(file) ? file : null;
}

/** A span with the span dict it was read from (null for a span made from trace_info). */
interface SourcedSpan {
  span: NormalizedSpan;
  source: unknown;
}

/** The spans of a trace, with the tags and request metadata read for it. */
interface TraceSpans {
  spans: SourcedSpan[];
  tags: Record<string, string>;
  metadata: Record<string, string>;
}

/**
 * The spans of a `traces.json` artifact file. A span dict that cannot be read is reported and
 * skipped; a file that cannot be read at all comes back as its problem.
 */
function readTracesFile(file: string, report: (reason: string) => void): { spans: SourcedSpan[]; problem: string | null } {
  let document: unknown;
  try {
    document = parseJsonExact(readFileSync(file, 'utf8'));
  } catch {
    return { spans: [], problem: 'its artifact traces.json cannot be read as JSON' };
  }
  const list = isJsonObject(document)
    ? Array.isArray(document.spans)
      ? document.spans
      : isJsonObject(document.data) && Array.isArray(document.data.spans)
        ? document.data.spans
        : null
    : null;
  if (list === null) return { spans: [], problem: 'its artifact traces.json has no "spans" list' };
  const spans: SourcedSpan[] = [];
  list.forEach((source, position) => {
    const span = adaptSpanDict(source);
    if (typeof span === 'string') report(`span ${position} of its artifact traces.json is ${span}`);
    else spans.push({ span, source });
  });
  return { spans, problem: spans.length === 0 ? 'its artifact traces.json holds no readable span' : null };
}

/** An integer column (BigInt under safeIntegers; a whole REAL too) as a BigInt, else null. */
const readBigInt = (value: unknown): bigint | null =>
  typeof value === 'bigint' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : null;

/** The one span made from a `trace_info` row when the trace's spans cannot be read. */
function synthesizeRootSpan(row: Record<string, unknown>, tags: Record<string, string>, metadata: Record<string, string>): NormalizedSpan {
  const requestId = readText(row.request_id) ?? '';
  const v3 = V3_TRACE_ID.exec(requestId);
  const startMs = readBigInt(row.timestamp_ms);
  const durationMs = readBigInt(row.execution_time_ms);
  const startNs = startMs !== null && startMs > 0n ? startMs * 1_000_000n : null;
  const status = (readText(row.status) ?? '').toUpperCase();
  const attributes: Attributes = { ...metadata, ...tags, 'mlflow.traceRequestId': requestId };
  const inputs = readText(row.request_preview) ?? metadata['mlflow.traceInputs'] ?? null;
  const outputs = readText(row.response_preview) ?? metadata['mlflow.traceOutputs'] ?? null;
  if (inputs !== null) attributes['mlflow.spanInputs'] = decodeValue(inputs);
  if (outputs !== null) attributes['mlflow.spanOutputs'] = decodeValue(outputs);
  return {
    traceId: v3 ? v3[1].toLowerCase() : normalizeId(requestId),
    spanId: requestId,
    parentSpanId: null,
    name: tags['mlflow.traceName'] || requestId,
    kind: 'unspecified',
    startNs,
    endNs: startNs !== null && durationMs !== null && durationMs >= 0n ? startNs + durationMs * 1_000_000n : null,
    // IN_PROGRESS and STATE_UNSPECIFIED say nothing about the outcome yet.
    status: status === 'OK' ? 'ok' : status === 'ERROR' ? 'error' : 'unset',
    statusMessage: null,
    attributes,
    events: [],
    links: [],
    resource: {},
    scope: null,
  };
}

/** Every span of a trace that has no `spans` rows: from its artifact file if readable, else one made from trace_info. */
function readTraceSpans(
  db: Database.Database,
  statements: KeyValueStatements,
  row: Record<string, unknown>,
  report: (reason: string) => void,
): TraceSpans {
  const requestId = readText(row.request_id) ?? '';
  const tags = readKeyValues(statements.tags, requestId);
  const metadata = readKeyValues(statements.metadata, requestId);
  const file = findTracesFile(db, tags['mlflow.artifactLocation']);
  let spans: SourcedSpan[] = [];
  if (file !== null) {
    const read = readTracesFile(file, report);
    if (read.problem !== null) report(`${read.problem}; the trace is shown from trace_info alone`);
    spans = read.spans;
  }
  if (spans.length === 0) spans = [{ span: synthesizeRootSpan(row, tags, metadata), source: null }];
  const sessionId = metadata[SESSION_KEY] ?? null;
  const experimentId = readText(row.experiment_id);
  for (const { span } of spans) addTraceFields(span, sessionId, experimentId);
  return { spans, tags, metadata };
}

/** Assessment columns this reader cannot do without, and those it reads when the store has them. */
const ASSESSMENT_REQUIRED = ['assessment_id', 'trace_id', 'name', 'assessment_type', 'value'];
const ASSESSMENT_OPTIONAL = [
  'error',
  'created_timestamp',
  'last_updated_timestamp',
  'source_type',
  'source_id',
  'run_id',
  'span_id',
  'rationale',
  'overrides',
  'valid',
  'assessment_metadata',
];
/** Assessment columns kept as `mlflow.assessment.<column>` text when set. */
const ASSESSMENT_TEXT_FIELDS = ['source_type', 'source_id', 'run_id', 'overrides'];
/** Traces kept located while reading assessments, least recently used evicted first (a trace's assessments are usually written close together). */
const ANCHOR_CACHE_SIZE = 32;

/** The one query both readAll (pages) and readOne (one rowid) run for assessments. Throws when a needed column is missing. */
function buildAssessmentQuery(schema: MlflowSchema, where: 'page' | 'one'): string {
  requireColumns(ASSESSMENTS, schema.assessments, ASSESSMENT_REQUIRED);
  const columns = [
    'a.rowid AS row_id',
    ...ASSESSMENT_REQUIRED.map((column) => `a.${column} AS ${column}`),
    ...ASSESSMENT_OPTIONAL.map((column) => selectColumn('a', pickColumn(schema.assessments, [column]), column)),
    't.rowid AS trace_rowid',
  ];
  const filter = where === 'page' ? `WHERE a.rowid > ? ORDER BY a.rowid LIMIT ${PAGE_ROWS}` : 'WHERE a.rowid = ?';
  return `SELECT ${columns.join(', ')} FROM assessments a LEFT JOIN trace_info t ON t.request_id = a.trace_id ${filter}`;
}

/** Where a trace's assessments hang: its root, its spans' times, and what every span of it gets. */
interface TraceAnchor {
  requestId: string;
  traceId: string;
  rootId: string | null;
  /** A span's end, else its start: null when it has neither, undefined when the trace has no such span. */
  timeOf(spanId: string): bigint | null | undefined;
  /** `timestamp_ms` + `execution_time_ms`, else `timestamp_ms`. */
  traceEndNs: bigint | null;
  sessionId: string | null;
  experimentId: string | null;
}

type SpanLocator = Pick<TraceAnchor, 'rootId' | 'timeOf'> & { traceId: string | null };

/** `spans` columns that let a trace's root and span times be found without reading every span's content. */
const SPAN_LOOKUP_COLUMNS = ['span_id', 'parent_span_id', 'start_time_unix_nano', 'end_time_unix_nano'];

/** A `content` value as a span, or null when it is not one. */
function readContentSpan(db: Database.Database, content: unknown): NormalizedSpan | null {
  let value: unknown;
  try {
    value = decodeJsonColumn(db, content);
  } catch {
    return null;
  }
  const span = adaptSpanDict(value);
  return typeof span === 'string' ? null : span;
}

/**
 * A trace whose spans are rows, located through the columns: only the root's content is read
 * (for the trace id and span id the trace's spans carry). Null when the root cannot be read.
 */
function locateInRows(db: Database.Database, requestId: string): SpanLocator | null {
  const rootRow = db
    .prepare(
      `SELECT content FROM spans WHERE trace_id = ? AND (parent_span_id IS NULL OR parent_span_id = '')
       ORDER BY start_time_unix_nano IS NULL, start_time_unix_nano, rowid LIMIT 1`,
    )
    .safeIntegers(true)
    .get(requestId) as { content: unknown } | undefined;
  const root = rootRow ? readContentSpan(db, rootRow.content) : null;
  if (root === null) return null;
  const times = db
    .prepare('SELECT start_time_unix_nano AS start_ns, end_time_unix_nano AS end_ns FROM spans WHERE trace_id = ? AND lower(span_id) = ?')
    .safeIntegers(true);
  return {
    traceId: root.traceId,
    rootId: root.spanId,
    timeOf(spanId: string) {
      // The column holds the span id as 16 hex digits (FORMATS.md §5.2), the assessment too.
      const row = times.get(requestId, spanId) as { start_ns: unknown; end_ns: unknown } | undefined;
      return row ? (readBigInt(row.end_ns) ?? readBigInt(row.start_ns)) : undefined;
    },
  };
}

/** A trace located among its spans, all read: the root is the parentless span that starts first. */
function locateInSpans(spans: NormalizedSpan[]): SpanLocator {
  const spanTimes = new Map<string, bigint | null>();
  let root: NormalizedSpan | null = null;
  for (const span of spans) {
    if (!spanTimes.has(span.spanId)) spanTimes.set(span.spanId, span.endNs ?? span.startNs);
    // One without a start is the root only if no parentless span has one.
    if (span.parentSpanId === null && (root === null || (span.startNs !== null && (root.startNs === null || span.startNs < root.startNs)))) root = span;
  }
  return { traceId: root?.traceId ?? spans[0]?.traceId ?? null, rootId: root?.spanId ?? null, timeOf: (spanId) => spanTimes.get(spanId) };
}

/** Every span of a trace whose spans are rows, unreadable rows skipped. */
function readRowSpans(db: Database.Database, requestId: string): NormalizedSpan[] {
  const rows = db.prepare('SELECT content FROM spans WHERE trace_id = ? ORDER BY rowid').safeIntegers(true).all(requestId) as { content: unknown }[];
  return rows.map(({ content }) => readContentSpan(db, content)).filter((span): span is NormalizedSpan => span !== null);
}

/** The anchor of the `trace_info` row at `traceRowid`, or null when there is none. */
function readTraceAnchor(db: Database.Database, schema: MlflowSchema, statements: KeyValueStatements, traceRowid: number): TraceAnchor | null {
  const row = db.prepare(buildTraceQuery(schema, 'one')).safeIntegers(true).get(traceRowid) as Record<string, unknown> | undefined;
  if (!row) return null;
  const requestId = readText(row.request_id) ?? '';
  let located: SpanLocator | null = null;
  let metadata: Record<string, string>;
  if (row.has_spans) {
    metadata = readKeyValues(statements.metadata, requestId);
    if (SPAN_LOOKUP_COLUMNS.every((column) => schema.spans.has(column))) located = locateInRows(db, requestId);
    located ??= locateInSpans(readRowSpans(db, requestId));
  } else {
    // The spans the reader shows for the trace: from its artifact file, else the root made from trace_info.
    const read = readTraceSpans(db, statements, row, () => undefined);
    metadata = read.metadata;
    located = locateInSpans(read.spans.map(({ span }) => span));
  }
  const v3 = V3_TRACE_ID.exec(requestId);
  const startMs = readBigInt(row.timestamp_ms);
  const durationMs = readBigInt(row.execution_time_ms);
  const startNs = startMs !== null && startMs > 0n ? startMs * 1_000_000n : null;
  return {
    requestId,
    traceId: located.traceId ?? (v3 ? v3[1].toLowerCase() : normalizeId(requestId)),
    rootId: located.rootId,
    timeOf: located.timeOf,
    traceEndNs: startNs !== null && durationMs !== null && durationMs >= 0n ? startNs + durationMs * 1_000_000n : startNs,
    sessionId: metadata[SESSION_KEY] ?? null,
    experimentId: readText(row.experiment_id),
  };
}

/** A BOOLEAN column (0/1 under safeIntegers) as a boolean; null for NULL. */
function readBoolean(value: unknown): boolean | null {
  const number = readNumber(value);
  if (number !== null) return number !== 0;
  if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return null;
}

/** A valid feedback's value as a grade (score and/or label), or null when it is no grade (null, an object, a list). */
function readFeedbackGrade(value: unknown): Attributes | null {
  if (typeof value === 'number' && Number.isFinite(value)) return { 'gen_ai.evaluation.score.value': value };
  if (typeof value === 'boolean') return { 'gen_ai.evaluation.score.value': value ? 1 : 0, 'gen_ai.evaluation.score.label': value ? 'True' : 'False' };
  if (typeof value === 'string') return { 'gen_ai.evaluation.score.label': value };
  return null;
}


/** One `assessments` row as an evaluation span, or why it cannot be one. */
function readAssessmentRow(db: Database.Database, row: Record<string, unknown>, anchor: TraceAnchor | null): NormalizedSpan | string {
  const assessmentId = readText(row.assessment_id) ?? '';
  if (assessmentId === '') return 'the assessment has no assessment_id';
  if (anchor === null) return `trace_id ${readText(row.trace_id) ?? 'NULL'} has no row in trace_info`;
  let value: unknown;
  try {
    value = decodeJsonColumn(db, row.value);
  } catch {
    return 'value is not JSON';
  }
  const type = readText(row.assessment_type) ?? '';
  const name = readText(row.name) ?? '';
  const isValid = readBoolean(row.valid);
  const attributes: Attributes = { 'mlflow.spanType': 'EVALUATOR', 'gen_ai.evaluation.name': name };
  const grade = type.toLowerCase() === 'feedback' && isValid !== false ? readFeedbackGrade(value) : null;
  if (grade !== null) Object.assign(attributes, grade);
  else if (value !== null) attributes['mlflow.assessment.value'] = value as AttributeValue;
  const rationale = readText(row.rationale);
  if (rationale !== null) attributes['gen_ai.evaluation.explanation'] = rationale;
  attributes['mlflow.assessment.id'] = assessmentId;
  attributes['mlflow.assessment.type'] = type;
  for (const column of ASSESSMENT_TEXT_FIELDS) {
    const text = readText(row[column]);
    if (text !== null) attributes[`mlflow.assessment.${column}`] = text;
  }
  if (isValid !== null) attributes['mlflow.assessment.valid'] = isValid;
  const createdMs = readNumber(row.created_timestamp);
  if (createdMs !== null) attributes['mlflow.assessment.create_time_ms'] = createdMs;
  const updatedMs = readNumber(row.last_updated_timestamp);
  if (updatedMs !== null) attributes['mlflow.assessment.last_update_time_ms'] = updatedMs;
  Object.assign(attributes, readJsonColumnAttributes(db, row.error, 'mlflow.assessment.error'));
  Object.assign(attributes, readJsonColumnAttributes(db, row.assessment_metadata, 'mlflow.assessment.metadata'));
  attributes['mlflow.traceRequestId'] = anchor.requestId;

  const assessedId = normalizeParentId(row.span_id);
  const assessed = assessedId ?? anchor.rootId;
  const anchorTimeNs = assessed !== null ? anchor.timeOf(assessed) : null;
  const createdNs = readBigInt(row.created_timestamp);
  const timeNs = anchorTimeNs ?? anchor.traceEndNs ?? (createdNs !== null && createdNs > 0n ? createdNs * 1_000_000n : null);
  const kind = type.toLowerCase();
  const span: NormalizedSpan = {
    traceId: anchor.traceId,
    spanId: assessmentId,
    // A span-level assessment names its span even when that span cannot be read (it is then an orphan).
    parentSpanId: assessed,
    name: `${kind === 'feedback' || kind === 'expectation' ? kind : 'assessment'} ${name}`,
    kind: 'unspecified',
    startNs: timeNs,
    endNs: timeNs,
    status: 'unset',
    statusMessage: null,
    attributes,
    events: [],
    links: [],
    resource: {},
    scope: null,
  };
  return addTraceFields(span, anchor.sessionId, anchor.experimentId);
}

/**
 * Every assessment, in rowid order. Each trace is located once for all its assessments (the
 * most recently used traces are kept); a table this reader cannot use is reported once.
 */
function readAssessments(
  db: Database.Database,
  schema: MlflowSchema,
  statements: KeyValueStatements,
  emit: (span: StoreSpan) => void,
  error: (problem: StoreRowError) => void,
): void {
  let query: string;
  try {
    query = buildAssessmentQuery(schema, 'page');
  } catch (problem) {
    // Spans are still shown; only the grades are not.
    error({ table: ASSESSMENTS, rowid: null, reason: (problem as Error).message });
    return;
  }
  const anchors = new Map<number, TraceAnchor | null>();
  forEachRowPage(db.prepare(query), ASSESSMENTS, error, (row) => {
    const rowid = rowidOf(row);
    const traceRowid = readNumber(row.trace_rowid);
    let anchor: TraceAnchor | null = null;
    if (traceRowid !== null) {
      if (anchors.has(traceRowid)) {
        anchor = anchors.get(traceRowid) ?? null;
        // Most recently used last: a Map keeps insertion order, so its first key is the least recently used.
        anchors.delete(traceRowid);
      } else {
        anchor = readTraceAnchor(db, schema, statements, traceRowid);
        if (anchors.size >= ANCHOR_CACHE_SIZE) anchors.delete(anchors.keys().next().value!);
      }
      anchors.set(traceRowid, anchor);
    }
    const span = readAssessmentRow(db, row, anchor);
    if (typeof span === 'string') error({ table: ASSESSMENTS, rowid, reason: span });
    else emit({ span, pointer: { table: ASSESSMENTS, rowid, index: 0 } });
  });
}

/** One assessment back by its rowid, with its row; null when it is gone or unreadable. */
function readAssessmentDetail(db: Database.Database, schema: MlflowSchema, rowid: number): StoreSpanDetail | null {
  let query: string;
  try {
    query = buildAssessmentQuery(schema, 'one');
  } catch {
    return null;
  }
  const row = db.prepare(query).safeIntegers(true).get(rowid) as Record<string, unknown> | undefined;
  if (!row) return null;
  const traceRowid = readNumber(row.trace_rowid);
  const anchor = traceRowid !== null ? readTraceAnchor(db, schema, prepareKeyValues(db, schema), traceRowid) : null;
  const span = readAssessmentRow(db, row, anchor);
  if (typeof span === 'string') return null;
  const raw = db.prepare('SELECT * FROM assessments WHERE rowid = ?').safeIntegers(true).get(rowid) as Record<string, unknown>;
  return { span, raw: describeRow(db, raw) };
}

const rowidOf = (row: Record<string, unknown>) => Number(row.row_id);

/** Reads MLflow tracking stores: `spans` rows, else artifact `traces.json`, else a root from `trace_info`; and assessments. */
export const mlflowStoreReader: StoreReader = {
  format: 'mlflow-db',
  tables: [SPANS, TRACE_INFO, ASSESSMENTS],

  matches(tables: ReadonlySet<string>): boolean {
    return tables.has('trace_info') && tables.has('trace_tags');
  },

  readAll(db: Database.Database, emit: (span: StoreSpan) => void, error: (problem: StoreRowError) => void): void {
    const schema = readSchema(db);
    if (schema.hasSpans) {
      forEachRowPage(db.prepare(buildSpanQuery(schema, 'page')), SPANS, error, (row) => {
        const rowid = rowidOf(row);
        const span = readSpanRow(db, row);
        if (typeof span === 'string') error({ table: SPANS, rowid, reason: span });
        else emit({ span, pointer: { table: SPANS, rowid, index: 0 } });
      });
    }
    const statements = prepareKeyValues(db, schema);
    forEachRowPage(db.prepare(buildTraceQuery(schema, 'page')), TRACE_INFO, error, (row) => {
      if (row.has_spans) return;
      const rowid = rowidOf(row);
      const { spans } = readTraceSpans(db, statements, row, (reason) => error({ table: TRACE_INFO, rowid, reason }));
      spans.forEach(({ span }, index) => emit({ span, pointer: { table: TRACE_INFO, rowid, index } }));
    });
    if (schema.assessments.size > 0) readAssessments(db, schema, statements, emit, error);
  },

  readOne(db: Database.Database, pointer: StorePointer): StoreSpanDetail | null {
    const schema = readSchema(db);
    if (pointer.table === SPANS && schema.hasSpans && pointer.index === 0) {
      const row = db.prepare(buildSpanQuery(schema, 'one')).safeIntegers(true).get(pointer.rowid) as Record<string, unknown> | undefined;
      const span = row ? readSpanRow(db, row) : null;
      if (span === null || typeof span === 'string') return null;
      const raw = db.prepare('SELECT * FROM spans WHERE rowid = ?').safeIntegers(true).get(pointer.rowid) as Record<string, unknown>;
      return { span, raw: describeRow(db, raw) };
    }
    if (pointer.table === ASSESSMENTS) return schema.assessments.size > 0 && pointer.index === 0 ? readAssessmentDetail(db, schema, pointer.rowid) : null;
    if (pointer.table !== TRACE_INFO) return null;
    const row = db.prepare(buildTraceQuery(schema, 'one')).safeIntegers(true).get(pointer.rowid) as Record<string, unknown> | undefined;
    // A trace whose spans are now rows is read from them, no longer from trace_info.
    if (!row || row.has_spans) return null;
    const { spans, tags, metadata } = readTraceSpans(db, prepareKeyValues(db, schema), row, () => undefined);
    const found = spans[pointer.index];
    if (!found) return null;
    const info = db.prepare('SELECT * FROM trace_info WHERE rowid = ?').safeIntegers(true).get(pointer.rowid) as Record<string, unknown>;
    const raw: Record<string, unknown> = { ...describeRow(db, info), trace_tags: tags, trace_request_metadata: metadata };
    if (found.source !== null) raw['traces.json span'] = found.source as JsonObject;
    return { span: found.span, raw };
  },
};
