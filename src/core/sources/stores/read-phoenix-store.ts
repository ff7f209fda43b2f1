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
 */
import type Database from 'better-sqlite3';
import { adaptPhoenixSpan } from '../../ingest/adapt-phoenix';
import { isJsonObject } from '../../ingest/is-json-object';
import type { NormalizedSpan } from '../../ingest/normalized-span';
import type { StorePointer, StoreReader, StoreRowError, StoreSpan, StoreSpanDetail } from './store-reader';
import {
  PAGE_ROWS,
  decodeJsonColumn,
  describeRow,
  forEachRowPage,
  pickColumn,
  readNumber,
  readText,
  requireColumns,
  selectColumn,
} from './store-row-values';
import { readColumnNames } from './read-store-schema';

const SPANS = 'spans';

/** Builds the one query both readAll (pages) and readOne (one rowid) run, from the store's columns. */
function buildSpanQuery(db: Database.Database, where: 'page' | 'one'): string {
  const spans = readColumnNames(db, 'spans');
  const traces = readColumnNames(db, 'traces');
  const projects = readColumnNames(db, 'projects');
  const sessions = readColumnNames(db, 'project_sessions');
  const costs = readColumnNames(db, 'span_costs');
  requireColumns('spans', spans, ['trace_rowid', 'span_id', 'name', 'start_time', 'attributes']);
  requireColumns('traces', traces, ['id', 'trace_id']);

  const hasProjects = traces.has('project_rowid') && projects.has('id') && projects.has('name');
  const hasSessions = traces.has('project_session_rowid') && sessions.has('id') && sessions.has('session_id');
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
    hasProjects ? 'p.name AS project_name' : 'NULL AS project_name',
    hasSessions ? 'ps.session_id AS session_id' : 'NULL AS session_id',
    hasCosts ? '(SELECT c.total_cost FROM span_costs c WHERE c.span_rowid = s.rowid ORDER BY c.rowid DESC LIMIT 1) AS total_cost' : 'NULL AS total_cost',
  ];
  const joins = [
    'LEFT JOIN traces t ON t.id = s.trace_rowid',
    hasProjects ? 'LEFT JOIN projects p ON p.id = t.project_rowid' : '',
    hasSessions ? 'LEFT JOIN project_sessions ps ON ps.id = t.project_session_rowid' : '',
  ];
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

/** Reads Phoenix stores: one span per `spans` row. */
export const phoenixStoreReader: StoreReader = {
  format: 'phoenix-db',
  tables: [SPANS],

  matches(tables: ReadonlySet<string>): boolean {
    return ['spans', 'traces', 'projects', 'alembic_version'].every((table) => tables.has(table));
  },

  readAll(db: Database.Database, emit: (span: StoreSpan) => void, error: (problem: StoreRowError) => void): void {
    const statement = db.prepare(buildSpanQuery(db, 'page'));
    forEachRowPage(statement, (row) => {
      const rowid = rowidOf(row);
      const span = readSpanRow(db, row);
      if (typeof span === 'string') error({ table: SPANS, rowid, reason: span });
      else emit({ span, pointer: { table: SPANS, rowid, index: 0 } });
    });
  },

  readOne(db: Database.Database, pointer: StorePointer): StoreSpanDetail | null {
    if (pointer.table !== SPANS || pointer.index !== 0) return null;
    const row = db.prepare(buildSpanQuery(db, 'one')).safeIntegers(true).get(pointer.rowid) as Record<string, unknown> | undefined;
    if (!row) return null;
    const span = readSpanRow(db, row);
    if (typeof span === 'string') return null;
    const raw = db.prepare('SELECT * FROM spans WHERE rowid = ?').safeIntegers(true).get(pointer.rowid) as Record<string, unknown> | undefined;
    return { span, raw: describeRow(db, raw ?? {}) };
  },
};
