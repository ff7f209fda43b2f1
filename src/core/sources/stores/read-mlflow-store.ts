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
 */
import type Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Attributes } from '../../../shared/model/attribute-value';
import { adaptMlflowRecord, decodeValue } from '../../ingest/adapt-mlflow';
import { isJsonObject, type JsonObject } from '../../ingest/is-json-object';
import type { NormalizedSpan } from '../../ingest/normalized-span';
import { normalizeId } from '../../ingest/normalize-id';
import type { StorePointer, StoreReader, StoreRowError, StoreSpan, StoreSpanDetail } from './store-reader';
import {
  PAGE_ROWS,
  decodeJsonColumn,
  describeRow,
  forEachRowPage,
  parseJsonExact,
  pickColumn,
  readText,
  requireColumns,
  selectColumn,
} from './store-row-values';
import { readColumnNames } from './read-store-schema';

const SPANS = 'spans';
const TRACE_INFO = 'trace_info';
const SESSION_KEY = 'mlflow.trace.session';
/** A V3 trace id: "tr-" + the OTel trace id in hex, which its spans carry. */
const V3_TRACE_ID = /^tr-([0-9a-fA-F]{32})$/;

interface MlflowSchema {
  hasSpans: boolean;
  hasMetadata: boolean;
  info: Set<string>;
}

function readSchema(db: Database.Database): MlflowSchema {
  const info = readColumnNames(db, TRACE_INFO);
  requireColumns(TRACE_INFO, info, ['request_id', 'timestamp_ms']);
  requireColumns('trace_tags', readColumnNames(db, 'trace_tags'), ['request_id', 'key', 'value']);
  const spans = readColumnNames(db, SPANS);
  if (spans.size > 0) requireColumns(SPANS, spans, ['trace_id', 'content']);
  const metadata = readColumnNames(db, 'trace_request_metadata');
  return { hasSpans: spans.size > 0, hasMetadata: ['request_id', 'key', 'value'].every((column) => metadata.has(column)), info };
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

const rowidOf = (row: Record<string, unknown>) => Number(row.row_id);

/** Reads MLflow tracking stores: `spans` rows, else artifact `traces.json`, else a root from `trace_info`. */
export const mlflowStoreReader: StoreReader = {
  format: 'mlflow-db',
  tables: [SPANS, TRACE_INFO],

  matches(tables: ReadonlySet<string>): boolean {
    return tables.has('trace_info') && tables.has('trace_tags');
  },

  readAll(db: Database.Database, emit: (span: StoreSpan) => void, error: (problem: StoreRowError) => void): void {
    const schema = readSchema(db);
    if (schema.hasSpans) {
      forEachRowPage(db.prepare(buildSpanQuery(schema, 'page')), (row) => {
        const rowid = rowidOf(row);
        const span = readSpanRow(db, row);
        if (typeof span === 'string') error({ table: SPANS, rowid, reason: span });
        else emit({ span, pointer: { table: SPANS, rowid, index: 0 } });
      });
    }
    const statements = prepareKeyValues(db, schema);
    forEachRowPage(db.prepare(buildTraceQuery(schema, 'page')), (row) => {
      if (row.has_spans) return;
      const rowid = rowidOf(row);
      const { spans } = readTraceSpans(db, statements, row, (reason) => error({ table: TRACE_INFO, rowid, reason }));
      spans.forEach(({ span }, index) => emit({ span, pointer: { table: TRACE_INFO, rowid, index } }));
    });
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
