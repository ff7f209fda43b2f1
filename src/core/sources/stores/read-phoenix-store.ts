/**
 * Arize Phoenix's `phoenix.db` (FORMATS.md §5.1). A span is a `spans` row; its trace id comes
 * from `traces`, its project's name (the resource attribute `openinference.project.name`)
 * from `projects`, and its session from `project_sessions` via the trace, written as
 * `session.id` on spans that do not carry one so every span of the trace names its session.
 *
 * A row is the REST span shape with nested attributes, so the Phoenix JSON adapter maps it:
 * attributes flattened to dotted keys, `span_kind` copied to `openinference.span.kind`,
 * zone-less text times read as UTC. JSON columns may be TEXT or BLOB (§11.31). The token
 * columns (2024-08) and `span_costs.total_cost` fill `llm.token_count.*` and `llm.cost.total`
 * when the attributes lack them; cumulative counts include descendants and are never used.
 * Columns are introspected: the first schema (alembic `cf03bd6bae1d`) has no token columns,
 * no `project_sessions` and no `span_costs`.
 *
 * Evaluations become grades: each `span_annotations` row is an evaluation span (an
 * OpenInference EVALUATOR, so a grader) named `annotation <name>`, a child of the span it
 * annotates; each `trace_annotations` row is one under its trace's root (the span without a
 * parent; the earliest when there are several; parentless when the trace has no root). Its
 * score, label and explanation go where semantics reads a grade (`gen_ai.evaluation.*`, as
 * the Langfuse scores do); annotator kind, identifier, source, user and times, and the
 * metadata flattened, are `phoenix.annotation.*`. It is an instant at the end of what it
 * annotates (the root's end; without a root the trace's end), not at `created_at`: an
 * annotation written days later would otherwise stretch the trace's waterfall to that day;
 * `created_at` and `updated_at` stay as attributes. The first schema's annotation tables have
 * no `identifier`, `source` or `user_id`, and older stores may have no annotation tables.
 */
import type Database from 'better-sqlite3';
import type { Attributes } from '../../../shared/model/attribute-value';
import { adaptPhoenixSpan } from '../../ingest/adapt-phoenix';
import { isJsonObject } from '../../ingest/is-json-object';
import type { NormalizedSpan } from '../../ingest/normalized-span';
import { normalizeId, normalizeParentId } from '../../ingest/normalize-id';
import { parseAnyTimeToNs } from '../../ingest/parse-time';
import type { StorePointer, StoreReader, StoreRowError, StoreSpan, StoreSpanDetail } from './store-reader';
import {
  PAGE_ROWS,
  decodeJsonColumn,
  describeRow,
  forEachRowPage,
  pickColumn,
  quoteName,
  readNumber,
  readText,
  requireColumns,
  selectColumn,
  readJsonColumnAttributes,
} from './store-row-values';
import { readColumnNames } from './read-store-schema';

const SPANS = 'spans';

/** The project name and session id of the trace aliased `t`: their columns and the joins they need. */
function buildTraceContext(db: Database.Database, traces: ReadonlySet<string>): { columns: string[]; joins: string[] } {
  const projects = readColumnNames(db, 'projects');
  const sessions = readColumnNames(db, 'project_sessions');
  const hasProjects = traces.has('project_rowid') && projects.has('id') && projects.has('name');
  const hasSessions = traces.has('project_session_rowid') && sessions.has('id') && sessions.has('session_id');
  return {
    columns: [hasProjects ? 'p.name AS project_name' : 'NULL AS project_name', hasSessions ? 'ps.session_id AS session_id' : 'NULL AS session_id'],
    joins: [
      hasProjects ? 'LEFT JOIN projects p ON p.id = t.project_rowid' : '',
      hasSessions ? 'LEFT JOIN project_sessions ps ON ps.id = t.project_session_rowid' : '',
    ],
  };
}

/** Builds the one query both readAll (pages) and readOne (one rowid) run, from the store's columns. */
function buildSpanQuery(db: Database.Database, where: 'page' | 'one'): string {
  const spans = readColumnNames(db, 'spans');
  const traces = readColumnNames(db, 'traces');
  const costs = readColumnNames(db, 'span_costs');
  requireColumns('spans', spans, ['trace_rowid', 'span_id', 'name', 'start_time', 'attributes']);
  requireColumns('traces', traces, ['id', 'trace_id']);

  const context = buildTraceContext(db, traces);
  const hasCosts = costs.has('span_rowid') && costs.has('total_cost');
  const columns = [
    's.rowid AS row_id',
    's.trace_rowid AS trace_rowid',
    's.span_id AS span_id',
    // The first released schema already used these names; earlier drafts used the second ones.
    selectColumn('s', pickColumn(spans, ['parent_id', 'parent_span_id']), 'parent_id'),
    's.name AS name',
    selectColumn('s', pickColumn(spans, ['span_kind', 'kind']), 'span_kind'),
    's.start_time AS start_time',
    selectColumn('s', pickColumn(spans, ['end_time']), 'end_time'),
    's.attributes AS attributes',
    selectColumn('s', pickColumn(spans, ['events']), 'events'),
    selectColumn('s', pickColumn(spans, ['status_code', 'status']), 'status_code'),
    selectColumn('s', pickColumn(spans, ['status_message']), 'status_message'),
    selectColumn('s', pickColumn(spans, ['llm_token_count_prompt']), 'token_count_prompt'),
    selectColumn('s', pickColumn(spans, ['llm_token_count_completion']), 'token_count_completion'),
    't.trace_id AS trace_id',
    ...context.columns,
    hasCosts ? '(SELECT c.total_cost FROM span_costs c WHERE c.span_rowid = s.rowid ORDER BY c.rowid DESC LIMIT 1) AS total_cost' : 'NULL AS total_cost',
  ];
  const joins = ['LEFT JOIN traces t ON t.id = s.trace_rowid', ...context.joins];
  const filter = where === 'page' ? `WHERE s.rowid > ? ORDER BY s.rowid LIMIT ${PAGE_ROWS}` : 'WHERE s.rowid = ?';
  return `SELECT ${columns.join(', ')} FROM spans s ${joins.filter(Boolean).join(' ')} ${filter}`;
}

const isMissing = (value: unknown) => value === undefined || value === null || value === '';

/** One joined row as a normalized span, or why it cannot be one. */
function readSpanRow(db: Database.Database, row: Record<string, unknown>): NormalizedSpan | string {
  const spanId = readText(row.span_id);
  if (spanId === null || spanId === '') return 'the span has no span_id';
  const traceId = readText(row.trace_id);
  if (traceId === null || traceId === '') return `trace_rowid ${readText(row.trace_rowid) ?? 'NULL'} has no row in traces`;
  let attributes: unknown;
  try {
    attributes = decodeJsonColumn(db, row.attributes);
  } catch {
    return 'attributes are not JSON';
  }
  if (attributes !== null && !isJsonObject(attributes)) return 'attributes are not a JSON object';
  let events: unknown;
  try {
    events = decodeJsonColumn(db, row.events);
  } catch {
    return 'events are not JSON';
  }

  const span = adaptPhoenixSpan({
    name: readText(row.name) ?? '',
    context: { trace_id: traceId, span_id: spanId },
    span_kind: readText(row.span_kind),
    parent_id: readText(row.parent_id),
    start_time: readText(row.start_time),
    end_time: readText(row.end_time),
    status_code: readText(row.status_code),
    status_message: readText(row.status_message),
    attributes: attributes ?? {},
    events: Array.isArray(events) ? events : [],
  });
  const { attributes: flat } = span;
  const sessionId = readText(row.session_id);
  if (sessionId !== null && isMissing(flat['session.id'])) flat['session.id'] = sessionId;
  const prompt = readNumber(row.token_count_prompt);
  if (prompt !== null && isMissing(flat['llm.token_count.prompt'])) flat['llm.token_count.prompt'] = prompt;
  const completion = readNumber(row.token_count_completion);
  if (completion !== null && isMissing(flat['llm.token_count.completion'])) flat['llm.token_count.completion'] = completion;
  const cost = readNumber(row.total_cost);
  if (cost !== null && isMissing(flat['llm.cost.total'])) flat['llm.cost.total'] = cost;
  const project = readText(row.project_name);
  if (project !== null) span.resource = { 'openinference.project.name': project };
  return span;
}

const rowidOf = (row: Record<string, unknown>) => Number(row.row_id);

const SPAN_ANNOTATIONS = 'span_annotations';
const TRACE_ANNOTATIONS = 'trace_annotations';
type AnnotationTable = typeof SPAN_ANNOTATIONS | typeof TRACE_ANNOTATIONS;
const ANNOTATION_TABLES: readonly AnnotationTable[] = [SPAN_ANNOTATIONS, TRACE_ANNOTATIONS];

/** What an annotation row points at, per table: its column, and the id prefix of its spans. */
const ANNOTATION_TARGETS: Record<AnnotationTable, { column: string; idPrefix: string }> = {
  span_annotations: { column: 'span_rowid', idPrefix: 'span-annotation-' },
  trace_annotations: { column: 'trace_rowid', idPrefix: 'trace-annotation-' },
};

/** Annotation columns read when the table has them (`identifier`, `source`, `user_id` came after the first schema). */
const ANNOTATION_COLUMNS = ['label', 'score', 'explanation', 'metadata', 'annotator_kind', 'identifier', 'source', 'user_id', 'created_at', 'updated_at'];

/** Annotation columns kept as `phoenix.annotation.<column>`; label, score and explanation have grade names. */
const ANNOTATION_FIELDS = ['annotator_kind', 'identifier', 'source', 'user_id', 'created_at', 'updated_at'];

/**
 * The one query both readAll (pages) and readOne (one rowid) run for an annotation table, or
 * null when the store has no such table. Throws, naming the column, when the table lacks one it needs.
 */
function buildAnnotationQuery(db: Database.Database, table: AnnotationTable, where: 'page' | 'one'): string | null {
  const annotations = readColumnNames(db, table);
  if (annotations.size === 0) return null;
  const target = ANNOTATION_TARGETS[table].column;
  requireColumns(table, annotations, [target, 'name']);
  const spans = readColumnNames(db, 'spans');
  const traces = readColumnNames(db, 'traces');
  const context = buildTraceContext(db, traces);
  const columns = [
    'a.rowid AS row_id',
    `a.${target} AS target_rowid`,
    'a.name AS name',
    ...ANNOTATION_COLUMNS.map((column) => selectColumn('a', pickColumn(annotations, [column]), column)),
    'r.span_id AS span_id',
    selectColumn('r', pickColumn(spans, ['end_time']), 'span_end_time'),
    't.trace_id AS trace_id',
    selectColumn('t', pickColumn(traces, ['end_time']), 'trace_end_time'),
    ...context.columns,
  ];
  const joins =
    table === SPAN_ANNOTATIONS
      ? ['LEFT JOIN spans r ON r.id = a.span_rowid', 'LEFT JOIN traces t ON t.id = r.trace_rowid']
      : ['LEFT JOIN traces t ON t.id = a.trace_rowid', `LEFT JOIN spans r ON r.id = (${buildRootQuery(spans)})`];
  const filter = where === 'page' ? `WHERE a.rowid > ? ORDER BY a.rowid LIMIT ${PAGE_ROWS}` : 'WHERE a.rowid = ?';
  return `SELECT ${columns.join(', ')} FROM ${table} a ${[...joins, ...context.joins].filter(Boolean).join(' ')} ${filter}`;
}

/** The id of the root span of the trace aliased `t`: no parent, the earliest start, the lowest id on a tie. */
function buildRootQuery(spans: ReadonlySet<string>): string {
  const parent = pickColumn(spans, ['parent_id', 'parent_span_id']);
  const isRoot = parent === null ? '1' : `(x.${quoteName(parent)} IS NULL OR x.${quoteName(parent)} = '')`;
  // julianday() reads both "YYYY-MM-DD HH:MM:SS" and ISO with "T" and an offset, which sort apart as text.
  return `SELECT x.id FROM spans x WHERE x.trace_rowid = t.id AND ${isRoot} ORDER BY julianday(x.start_time) IS NULL, julianday(x.start_time), x.id LIMIT 1`;
}


/** One annotation row as an evaluation span, or why it cannot be one. */
function readAnnotationRow(db: Database.Database, table: AnnotationTable, row: Record<string, unknown>): NormalizedSpan | string {
  const target = readText(row.target_rowid) ?? 'NULL';
  if (table === SPAN_ANNOTATIONS && readText(row.span_id) === null) return `span_rowid ${target} has no row in spans`;
  const traceId = readText(row.trace_id);
  if (traceId === null || traceId === '') {
    return table === SPAN_ANNOTATIONS ? `the annotated span's trace has no row in traces` : `trace_rowid ${target} has no row in traces`;
  }
  const name = readText(row.name) ?? '';
  const attributes: Attributes = { 'openinference.span.kind': 'EVALUATOR', 'gen_ai.evaluation.name': name };
  const score = readNumber(row.score);
  if (score !== null) attributes['gen_ai.evaluation.score.value'] = score;
  const label = readText(row.label);
  if (label !== null) attributes['gen_ai.evaluation.score.label'] = label;
  const explanation = readText(row.explanation);
  if (explanation !== null) attributes['gen_ai.evaluation.explanation'] = explanation;
  for (const field of ANNOTATION_FIELDS) {
    const value = readText(row[field]);
    // An empty identifier is Phoenix's default: no identifier.
    if (value !== null && value !== '') attributes[`phoenix.annotation.${field}`] = field === 'user_id' ? Number(value) : value;
  }
  Object.assign(attributes, readJsonColumnAttributes(db, row.metadata, 'phoenix.annotation.metadata'));
  const sessionId = readText(row.session_id);
  if (sessionId !== null) attributes['session.id'] = sessionId;
  const project = readText(row.project_name);
  const timeNs = parseAnyTimeToNs(row.span_end_time) ?? parseAnyTimeToNs(row.trace_end_time) ?? parseAnyTimeToNs(row.created_at);
  return {
    traceId: normalizeId(traceId),
    spanId: `${ANNOTATION_TARGETS[table].idPrefix}${rowidOf(row)}`,
    parentSpanId: normalizeParentId(row.span_id),
    name: `annotation ${name}`,
    kind: 'unspecified',
    startNs: timeNs,
    endNs: timeNs,
    status: 'unset',
    statusMessage: null,
    attributes,
    events: [],
    links: [],
    resource: project !== null ? { 'openinference.project.name': project } : {},
    scope: null,
  };
}

/** Every annotation of one table, in rowid order; a table this reader cannot use is reported once. */
function readAnnotations(db: Database.Database, table: AnnotationTable, emit: (span: StoreSpan) => void, error: (problem: StoreRowError) => void): void {
  let query: string | null;
  try {
    query = buildAnnotationQuery(db, table, 'page');
  } catch (problem) {
    // Spans are still shown; only this table's grades are not.
    error({ table, rowid: null, reason: (problem as Error).message });
    return;
  }
  if (query === null) return;
  forEachRowPage(db.prepare(query), table, error, (row) => {
    const rowid = rowidOf(row);
    const span = readAnnotationRow(db, table, row);
    if (typeof span === 'string') error({ table, rowid, reason: span });
    else emit({ span, pointer: { table, rowid, index: 0 } });
  });
}

/** One annotation back by its rowid, with its row; null when the row is gone, unreadable, or the table is. */
function readAnnotationDetail(db: Database.Database, table: AnnotationTable, rowid: number): StoreSpanDetail | null {
  let query: string | null;
  try {
    query = buildAnnotationQuery(db, table, 'one');
  } catch {
    return null;
  }
  if (query === null) return null;
  const row = db.prepare(query).safeIntegers(true).get(rowid) as Record<string, unknown> | undefined;
  if (!row) return null;
  const span = readAnnotationRow(db, table, row);
  if (typeof span === 'string') return null;
  const raw = db.prepare(`SELECT * FROM ${table} WHERE rowid = ?`).safeIntegers(true).get(rowid) as Record<string, unknown> | undefined;
  return { span, raw: describeRow(db, raw ?? {}) };
}

/** Reads Phoenix stores: one span per `spans` row, one evaluation span per span or trace annotation. */
export const phoenixStoreReader: StoreReader = {
  format: 'phoenix-db',
  tables: [SPANS, SPAN_ANNOTATIONS, TRACE_ANNOTATIONS],

  matches(tables: ReadonlySet<string>): boolean {
    return ['spans', 'traces', 'projects', 'alembic_version'].every((table) => tables.has(table));
  },

  readAll(db: Database.Database, emit: (span: StoreSpan) => void, error: (problem: StoreRowError) => void): void {
    const statement = db.prepare(buildSpanQuery(db, 'page'));
    forEachRowPage(statement, SPANS, error, (row) => {
      const rowid = rowidOf(row);
      const span = readSpanRow(db, row);
      if (typeof span === 'string') error({ table: SPANS, rowid, reason: span });
      else emit({ span, pointer: { table: SPANS, rowid, index: 0 } });
    });
    for (const table of ANNOTATION_TABLES) readAnnotations(db, table, emit, error);
  },

  readOne(db: Database.Database, pointer: StorePointer): StoreSpanDetail | null {
    if (pointer.index !== 0) return null;
    const annotationTable = ANNOTATION_TABLES.find((table) => table === pointer.table);
    if (annotationTable !== undefined) return readAnnotationDetail(db, annotationTable, pointer.rowid);
    if (pointer.table !== SPANS) return null;
    const row = db.prepare(buildSpanQuery(db, 'one')).safeIntegers(true).get(pointer.rowid) as Record<string, unknown> | undefined;
    if (!row) return null;
    const span = readSpanRow(db, row);
    if (typeof span === 'string') return null;
    const raw = db.prepare('SELECT * FROM spans WHERE rowid = ?').safeIntegers(true).get(pointer.rowid) as Record<string, unknown> | undefined;
    return { span, raw: describeRow(db, raw ?? {}) };
  },
};
