/**
 * Kitaru's local ZenML store, `zenml.db` (FORMATS.md §5.6, §8). An execution (`pipeline_run`)
 * is a trace with a root span; each of its checkpoints (`step_run`) is a child of that root.
 * Checkpoints form a DAG (`step_run_parents`, Kitaru's `parent_call_ids`): the tree is by
 * execution, and each upstream checkpoint is kept as a link.
 *
 * Structured metadata (`kitaru.log()`, one `run_metadata` row per key) is linked to its span
 * through `run_metadata_resource` (resource types compared case-insensitively, plurals
 * accepted), replayed in `created` order with §8's accumulation (two dicts merge key by key,
 * recursively; otherwise the latest value wins) and flattened into `kitaru.metadata.<key>`
 * attributes. Execution- and checkpoint-level metadata stay apart: nothing is copied down or
 * rolled up. Older ZenML stores that keep the resource in `run_metadata` itself
 * (`resource_id`/`resource_type`, or `pipeline_run_id`/`step_run_id`) are read the same way.
 *
 * Statuses follow Kitaru's own mapping (`_to_public_status`): running and waiting executions
 * are open (`unset`), completed ones `ok`, failed and cancelled ones `error`.
 *
 * Session: an execution is its own session (the trace id; no session key is set). A flow's
 * executions are independent runs (a scheduled flow would otherwise be one endless session);
 * the flow's name is kept as `kitaru.flow.name` to filter by.
 *
 * Columns are introspected: ZenML renamed `workspace_id` to `project_id` and keeps adding
 * columns, so only the columns read here are required. UUIDs are 32 hex characters (some
 * migrated rows have dashes), times zone-less UTC text.
 */
import type Database from 'better-sqlite3';
import type { Attributes, AttributeValue } from '../../../shared/model/attribute-value';
import type { SpanStatus } from '../../../shared/model/span-type';
import type { NormalizedLink, NormalizedSpan } from '../../ingest/normalized-span';
import { normalizeId } from '../../ingest/normalize-id';
import { parseJsonLenient } from '../../ingest/parse-json-lenient';
import { parseAnyTimeToNs } from '../../ingest/parse-time';
import { readColumnNames, readTableNames } from './read-store-schema';
import type { StorePointer, StoreReader, StoreRowError, StoreSpan, StoreSpanDetail } from './store-reader';
import { describeRowFailure } from './store-row-values';

const PAGE_ROWS = 2000;
/** Ids per `IN (…)` lookup, well under SQLite's bound-parameter limit. */
const LOOKUP_CHUNK = 500;

const RUN_TABLE = 'pipeline_run';
const STEP_TABLE = 'step_run';
const METADATA_TABLE = 'run_metadata';
const LINK_TABLE = 'run_metadata_resource';
const PARENTS_TABLE = 'step_run_parents';
const PIPELINE_TABLE = 'pipeline';

/** Columns the reader cannot do without, per table (optional tables: only when present). */
const REQUIRED_COLUMNS: Record<string, readonly string[]> = {
  [RUN_TABLE]: ['id', 'name', 'status', 'start_time', 'end_time'],
  [STEP_TABLE]: ['id', 'name', 'status', 'start_time', 'end_time', 'pipeline_run_id'],
  [METADATA_TABLE]: ['id', 'key', 'value', 'created'],
  [LINK_TABLE]: ['resource_id', 'resource_type', 'run_metadata_id'],
};

/** Kitaru's public statuses (`kitaru._client._models.ExecutionStatus`). */
type KitaruStatus = 'running' | 'waiting' | 'completed' | 'failed' | 'cancelled';

/** ZenML `ExecutionStatus` values as Kitaru maps them (`_client/_mappers.py`, `_to_public_status`). */
const KITARU_STATUS: Record<string, KitaruStatus> = {
  initializing: 'running',
  provisioning: 'running',
  running: 'running',
  retrying: 'running',
  resuming: 'running',
  paused: 'waiting',
  completed: 'completed',
  cached: 'completed',
  skipped: 'completed',
  failed: 'failed',
  retried: 'failed',
  stopped: 'cancelled',
  stopping: 'cancelled',
};

const SPAN_STATUS: Record<KitaruStatus, SpanStatus> = {
  running: 'unset',
  waiting: 'unset',
  completed: 'ok',
  failed: 'error',
  cancelled: 'error',
};

/** Kitaru registers flows and checkpoints under these alias prefixes in some releases (`_source_aliases.py`). */
const FLOW_ALIAS_PREFIX = '__kitaru_pipeline_source_';
const CHECKPOINT_ALIAS_PREFIX = '__kitaru_checkpoint_source_';

type ResourceKind = 'pipeline_run' | 'step_run';

/** How `run_metadata` rows find the run or step they describe, by ZenML release. */
type MetadataLayout =
  | { kind: 'link-table' }
  | { kind: 'resource-columns' }
  | { kind: 'id-columns'; hasRunColumn: boolean; hasStepColumn: boolean }
  | { kind: 'none' };

interface KitaruSchema {
  layout: MetadataLayout;
  hasParents: boolean;
  hasPipelines: boolean;
}

type Row = Record<string, unknown>;

/** A row that yields no span, with why. */
class RowProblem extends Error {}

/** A UUID as the store's lookups compare it: lower-case, no dashes (a 16-byte blob as hex). */
function toUuidKey(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (typeof value !== 'string' && typeof value !== 'number') return '';
  return String(value).trim().toLowerCase().replace(/-/g, '');
}

/** The same normalisation in SQL, for lookups by a key. */
const sqlUuidKey = (column: string): string => `lower(replace(trim(${column}), '-', ''))`;

/** `pipeline_run`, `PIPELINE_RUN`, `pipeline_runs`, `Pipeline-Runs`, `PipelineRun` → `pipeline_run`. */
export function normalizeResourceType(value: unknown): ResourceKind | null {
  if (typeof value !== 'string') return null;
  const compact = value.toLowerCase().replace(/[^a-z]/g, '').replace(/s$/, '');
  return compact === 'pipelinerun' ? 'pipeline_run' : compact === 'steprun' ? 'step_run' : null;
}

function toText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return null;
}

function toTimeNs(value: unknown): bigint | null {
  if (typeof value === 'bigint') return parseAnyTimeToNs(Number(value));
  return parseAnyTimeToNs(value);
}

function stripPrefix(name: string, prefix: string): string {
  return name.startsWith(prefix) && name.length > prefix.length ? name.slice(prefix.length) : name;
}

/** Row keys lower-cased (ZenML's are already; a hand-made store may differ). */
function lowerKeys(row: Row): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) out[key.toLowerCase()] = value;
  return out;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Sets an own property even for keys like `__proto__` (metadata keys are user text). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** §8: a dict logged over a dict merges key by key (recursively); anything else replaces. */
function mergeMetadataValue(previous: unknown, next: unknown): unknown {
  if (!isPlainObject(previous) || !isPlainObject(next)) return next;
  const merged: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(previous)) setOwn(merged, key, value);
  for (const [key, value] of Object.entries(next)) setOwn(merged, key, mergeMetadataValue(merged[key], value));
  return merged;
}

/** Nested dicts become dotted keys; lists and scalars are values; an empty dict stays `{}`. */
function flattenMetadataInto(out: Attributes, key: string, value: unknown): void {
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) setOwn(out, key, {});
    for (const [child, childValue] of entries) flattenMetadataInto(out, `${key}.${child}`, childValue);
    return;
  }
  setOwn(out, key, (value ?? null) as AttributeValue);
}

const EXCERPT_CHARS = 60;

function excerptOf(text: string): string {
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

/** Text that looks like JSON, decoded; anything else as is (raw rows for "show raw"). */
function decodeRawValue(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return `[blob, ${value.length} bytes]`;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value !== 'string') return value;
  const text = value.trim();
  if (!(text.startsWith('{') || text.startsWith('['))) return value;
  try {
    return parseJsonLenient(text);
  } catch {
    return value;
  }
}

function requireColumns(table: string, columns: ReadonlySet<string>): void {
  if (columns.size === 0) throw new Error(`Kitaru store: table ${table} is missing`);
  for (const column of REQUIRED_COLUMNS[table] ?? []) {
    if (!columns.has(column)) throw new Error(`Kitaru store: table ${table} has no column ${column}`);
  }
}

/** Introspects the tables and columns the reader uses; throws when a required one is missing. */
function readSchema(db: Database.Database): KitaruSchema {
  const tables = readTableNames(db);
  const columnsOf = (table: string): Set<string> => (tables.has(table) ? readColumnNames(db, table) : new Set());
  const runColumns = columnsOf(RUN_TABLE);
  const stepColumns = columnsOf(STEP_TABLE);
  const metadataColumns = columnsOf(METADATA_TABLE);
  requireColumns(RUN_TABLE, runColumns);
  requireColumns(STEP_TABLE, stepColumns);
  requireColumns(METADATA_TABLE, metadataColumns);

  let layout: MetadataLayout;
  if (tables.has(LINK_TABLE)) {
    requireColumns(LINK_TABLE, columnsOf(LINK_TABLE));
    layout = { kind: 'link-table' };
  } else if (metadataColumns.has('resource_id') && metadataColumns.has('resource_type')) {
    layout = { kind: 'resource-columns' };
  } else if (metadataColumns.has('pipeline_run_id') || metadataColumns.has('step_run_id')) {
    layout = { kind: 'id-columns', hasRunColumn: metadataColumns.has('pipeline_run_id'), hasStepColumn: metadataColumns.has('step_run_id') };
  } else {
    layout = { kind: 'none' };
  }
  const parentColumns = columnsOf(PARENTS_TABLE);
  const pipelineColumns = columnsOf(PIPELINE_TABLE);
  return {
    layout,
    hasParents: parentColumns.has('parent_id') && parentColumns.has('child_id'),
    hasPipelines: pipelineColumns.has('id') && pipelineColumns.has('name') && runColumns.has('pipeline_id'),
  };
}

/** Every row of a table, `SELECT rowid AS __rowid, <columns>`, in short rowid pages. */
function* readPages(db: Database.Database, table: string, columns: string): Generator<Row> {
  const first = db.prepare(`SELECT rowid AS __rowid, ${columns} FROM "${table}" ORDER BY rowid LIMIT ${PAGE_ROWS}`);
  const next = db.prepare(`SELECT rowid AS __rowid, ${columns} FROM "${table}" WHERE rowid > ? ORDER BY rowid LIMIT ${PAGE_ROWS}`);
  let page = first.all() as Row[];
  while (page.length > 0) {
    for (const row of page) yield row;
    if (page.length < PAGE_ROWS) return;
    page = next.all(page[page.length - 1].__rowid) as Row[];
  }
}

/** One metadata link: a `run_metadata` id (as stored) for a run or step (by UUID key). */
interface MetadataLink {
  kind: ResourceKind;
  resourceKey: string;
  metadataId: unknown;
}

/** Where the links live and how to read them all, or those of one resource. */
function linkQuery(layout: MetadataLayout): { table: string; columns: string; toLinks: (row: Row) => MetadataLink[] } | null {
  switch (layout.kind) {
    case 'link-table':
      return {
        table: LINK_TABLE,
        columns: 'resource_id, resource_type, run_metadata_id',
        toLinks: (row) => {
          const kind = normalizeResourceType(row.resource_type);
          return kind ? [{ kind, resourceKey: toUuidKey(row.resource_id), metadataId: row.run_metadata_id }] : [];
        },
      };
    case 'resource-columns':
      return {
        table: METADATA_TABLE,
        columns: 'id, resource_id, resource_type',
        toLinks: (row) => {
          const kind = normalizeResourceType(row.resource_type);
          return kind ? [{ kind, resourceKey: toUuidKey(row.resource_id), metadataId: row.id }] : [];
        },
      };
    case 'id-columns': {
      const columns = ['id', layout.hasRunColumn ? 'pipeline_run_id' : null, layout.hasStepColumn ? 'step_run_id' : null].filter(Boolean).join(', ');
      return {
        table: METADATA_TABLE,
        columns,
        // A step's metadata row also names its run: it belongs to the step only.
        toLinks: (row) => {
          if (row.step_run_id !== undefined && row.step_run_id !== null) return [{ kind: 'step_run', resourceKey: toUuidKey(row.step_run_id), metadataId: row.id }];
          if (row.pipeline_run_id !== undefined && row.pipeline_run_id !== null) return [{ kind: 'pipeline_run', resourceKey: toUuidKey(row.pipeline_run_id), metadataId: row.id }];
          return [];
        },
      };
    }
    default:
      return null;
  }
}

/** The SQL condition selecting one resource's links (by UUID key) in a layout. */
function linkFilter(layout: MetadataLayout, kind: ResourceKind): string | null {
  switch (layout.kind) {
    case 'link-table':
    case 'resource-columns':
      return `${sqlUuidKey('resource_id')} = ?`;
    case 'id-columns':
      if (kind === 'step_run') return layout.hasStepColumn ? `${sqlUuidKey('step_run_id')} = ?` : null;
      return layout.hasRunColumn ? `${sqlUuidKey('pipeline_run_id')} = ?` : null;
    default:
      return null;
  }
}

const linkKey = (kind: ResourceKind, resourceKey: string): string => `${kind}:${resourceKey}`;

/**
 * Lookups shared by every span of one read: flow names, DAG parents, metadata links. A full
 * read loads the small link tables once in pages; reading one span back queries just its rows.
 * Both paths match ids by the same UUID key, so a span reads back exactly as it was read.
 */
class KitaruReadContext {
  private readonly flowNames = new Map<string, string | null>();
  private readonly reportedRows = new Set<number>();
  /** Metadata lookups by number of ids (most spans have a handful of rows). */
  private readonly metadataStatements = new Map<number, Database.Statement>();
  private parentsByChild: Map<string, string[]> | null = null;
  private linksByResource: Map<string, unknown[]> | null = null;

  constructor(
    private readonly db: Database.Database,
    readonly schema: KitaruSchema,
    private readonly error: (problem: StoreRowError) => void,
  ) {}

  /** Loads parents and metadata links for a full read. */
  preload(): void {
    if (this.schema.hasParents) {
      this.parentsByChild = new Map();
      for (const row of readPages(this.db, PARENTS_TABLE, 'parent_id, child_id')) {
        const child = toUuidKey(row.child_id);
        const parent = toUuidKey(row.parent_id);
        if (child === '' || parent === '') continue;
        const list = this.parentsByChild.get(child);
        if (list) list.push(parent);
        else this.parentsByChild.set(child, [parent]);
      }
    }
    const query = linkQuery(this.schema.layout);
    this.linksByResource = new Map();
    if (!query) return;
    for (const row of readPages(this.db, query.table, query.columns)) {
      for (const link of query.toLinks(row)) {
        const key = linkKey(link.kind, link.resourceKey);
        const list = this.linksByResource.get(key);
        if (list) list.push(link.metadataId);
        else this.linksByResource.set(key, [link.metadataId]);
      }
    }
  }

  /** The flow (ZenML pipeline) name of a run, without Kitaru's alias prefix. */
  readFlowName(pipelineId: unknown): string | null {
    if (!this.schema.hasPipelines || pipelineId === null || pipelineId === undefined) return null;
    const cacheKey = toUuidKey(pipelineId);
    const cached = this.flowNames.get(cacheKey);
    if (cached !== undefined) return cached;
    const row = this.db.prepare(`SELECT name FROM "${PIPELINE_TABLE}" WHERE id = ?`).get(pipelineId) as Row | undefined;
    const name = row ? toText(row.name) : null;
    const flowName = name === null || name.trim() === '' ? null : stripPrefix(name.trim(), FLOW_ALIAS_PREFIX);
    this.flowNames.set(cacheKey, flowName);
    return flowName;
  }

  /** The checkpoints a checkpoint depends on (UUID keys, in `step_run_parents` order). */
  readParents(stepKey: string): string[] {
    if (!this.schema.hasParents) return [];
    if (this.parentsByChild) return this.parentsByChild.get(stepKey) ?? [];
    const rows = this.db
      .prepare(`SELECT parent_id FROM "${PARENTS_TABLE}" WHERE ${sqlUuidKey('child_id')} = ? ORDER BY rowid`)
      .all(stepKey) as Row[];
    return rows.map((row) => toUuidKey(row.parent_id)).filter((key) => key !== '');
  }

  /** A run's or step's metadata, accumulated per §8 in `created` order (ties: rowid). */
  readMetadata(kind: ResourceKind, resourceKey: string): Record<string, unknown> {
    const ids = this.readLinkedMetadataIds(kind, resourceKey);
    const rows = new Map<number, Row>();
    for (let i = 0; i < ids.length; i += LOOKUP_CHUNK) {
      const chunk = ids.slice(i, i + LOOKUP_CHUNK);
      let statement = this.metadataStatements.get(chunk.length);
      if (!statement) {
        statement = this.db.prepare(
          `SELECT rowid AS __rowid, "key", value, created FROM "${METADATA_TABLE}" WHERE id IN (${chunk.map(() => '?').join(', ')})`,
        );
        this.metadataStatements.set(chunk.length, statement);
      }
      for (const row of statement.all(...chunk) as Row[]) rows.set(Number(row.__rowid), row);
    }
    const ordered = [...rows.values()]
      .map((row) => ({ row, rowid: Number(row.__rowid), createdNs: toTimeNs(row.created) }))
      .sort((a, b) => {
        // Rows without a readable `created` go first: they cannot be placed, so they never override.
        if (a.createdNs !== b.createdNs) {
          if (a.createdNs === null) return -1;
          if (b.createdNs === null) return 1;
          return a.createdNs < b.createdNs ? -1 : 1;
        }
        return a.rowid - b.rowid;
      });
    const state: Record<string, unknown> = {};
    for (const { row, rowid } of ordered) {
      const key = toText(row.key);
      if (key === null || key === '') {
        this.report(rowid, 'metadata row has no key');
        continue;
      }
      const text = toText(row.value);
      if (text === null) {
        this.report(rowid, `metadata "${key}" has no value`);
        continue;
      }
      let value: unknown;
      try {
        value = parseJsonLenient(text);
      } catch {
        this.report(rowid, `metadata "${key}" is not JSON: ${excerptOf(text)}`);
        continue;
      }
      setOwn(state, key, mergeMetadataValue(Object.hasOwn(state, key) ? state[key] : undefined, value));
    }
    return state;
  }

  private readLinkedMetadataIds(kind: ResourceKind, resourceKey: string): unknown[] {
    if (this.linksByResource) return this.linksByResource.get(linkKey(kind, resourceKey)) ?? [];
    const query = linkQuery(this.schema.layout);
    const filter = linkFilter(this.schema.layout, kind);
    if (!query || !filter) return [];
    const rows = this.db.prepare(`SELECT ${query.columns} FROM "${query.table}" WHERE ${filter} ORDER BY rowid`).all(resourceKey) as Row[];
    const ids: unknown[] = [];
    for (const row of rows) {
      for (const link of query.toLinks(row)) if (link.kind === kind && link.resourceKey === resourceKey) ids.push(link.metadataId);
    }
    return ids;
  }

  /** A bad metadata row, reported once however many spans it is linked to. */
  private report(rowid: number, reason: string): void {
    if (this.reportedRows.has(rowid)) return;
    this.reportedRows.add(rowid);
    this.error({ table: METADATA_TABLE, rowid, reason });
  }
}

/** Status, message and the status attributes of a run or step row. */
function readStatus(row: Row, attributes: Attributes): { status: SpanStatus; statusMessage: string | null } {
  const zenmlStatus = toText(row.status);
  const statusKey = zenmlStatus?.trim().toLowerCase() ?? '';
  const kitaruStatus = Object.hasOwn(KITARU_STATUS, statusKey) ? KITARU_STATUS[statusKey] : undefined;
  if (zenmlStatus !== null) attributes['zenml.status'] = zenmlStatus;
  if (kitaruStatus) attributes['kitaru.status'] = kitaruStatus;
  const reason = toText(row.status_reason);
  if (reason !== null && reason !== '') attributes['kitaru.status_reason'] = reason;
  const status = kitaruStatus ? SPAN_STATUS[kitaruStatus] : 'unset';
  if (status !== 'error') return { status, statusMessage: null };
  // A plain failure says nothing more than its status; a stop or a retry says which it was.
  const fallback = zenmlStatus !== null && statusKey !== 'failed' ? zenmlStatus : null;
  return { status, statusMessage: reason !== null && reason !== '' ? reason : fallback };
}

function addMetadata(attributes: Attributes, metadata: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(metadata)) flattenMetadataInto(attributes, `kitaru.metadata.${key}`, value);
}

/** An execution (`pipeline_run` row) as its trace's root span. */
function buildExecutionSpan(row: Row, context: KitaruReadContext): NormalizedSpan {
  const runKey = toUuidKey(row.id);
  if (runKey === '') throw new RowProblem('execution has no id');
  const attributes: Attributes = { 'kitaru.span.kind': 'execution' };
  const flowName = context.readFlowName(row.pipeline_id);
  if (flowName !== null) attributes['kitaru.flow.name'] = flowName;
  const { status, statusMessage } = readStatus(row, attributes);
  addMetadata(attributes, context.readMetadata('pipeline_run', runKey));
  const id = normalizeId(runKey);
  return {
    traceId: id,
    spanId: id,
    parentSpanId: null,
    name: toText(row.name) ?? '',
    kind: 'internal',
    startNs: toTimeNs(row.start_time),
    endNs: toTimeNs(row.end_time),
    status,
    statusMessage,
    attributes,
    events: [],
    links: [],
    resource: {},
    scope: null,
  };
}

/** A checkpoint (`step_run` row) as a child of its execution's root span. */
function buildCheckpointSpan(row: Row, context: KitaruReadContext): NormalizedSpan {
  const stepKey = toUuidKey(row.id);
  if (stepKey === '') throw new RowProblem('checkpoint has no id');
  const runKey = toUuidKey(row.pipeline_run_id);
  if (runKey === '') throw new RowProblem('checkpoint has no pipeline_run_id');
  const traceId = normalizeId(runKey);
  const attributes: Attributes = { 'kitaru.span.kind': 'checkpoint' };
  const { status, statusMessage } = readStatus(row, attributes);
  const zenmlStatus = (toText(row.status) ?? '').trim().toLowerCase();
  const original = toUuidKey(row.original_step_run_id);
  if (original !== '') attributes['kitaru.checkpoint.original_call_id'] = normalizeId(original);
  if (zenmlStatus === 'cached') attributes['kitaru.checkpoint.is_cached'] = true;
  if (zenmlStatus === 'retried' || zenmlStatus === 'retrying') attributes['kitaru.checkpoint.is_retried'] = true;
  addMetadata(attributes, context.readMetadata('step_run', stepKey));
  const links: NormalizedLink[] = context
    .readParents(stepKey)
    .map((parent) => ({ traceId, spanId: normalizeId(parent), attributes: { 'kitaru.link.kind': 'parent_call' } }));
  return {
    traceId,
    spanId: normalizeId(stepKey),
    parentSpanId: traceId,
    name: stripPrefix(toText(row.name) ?? '', CHECKPOINT_ALIAS_PREFIX),
    kind: 'internal',
    startNs: toTimeNs(row.start_time),
    endNs: toTimeNs(row.end_time),
    status,
    statusMessage,
    attributes,
    events: [],
    links,
    resource: {},
    scope: null,
  };
}

const BUILDERS: Record<string, (row: Row, context: KitaruReadContext) => NormalizedSpan> = {
  [RUN_TABLE]: buildExecutionSpan,
  [STEP_TABLE]: buildCheckpointSpan,
};

function readRows(
  db: Database.Database,
  table: string,
  context: KitaruReadContext,
  emit: (span: StoreSpan) => void,
  error: (problem: StoreRowError) => void,
): void {
  const build = BUILDERS[table];
  for (const raw of readPages(db, table, '*')) {
    const rowid = Number(raw.__rowid);
    let span: NormalizedSpan;
    try {
      span = build(lowerKeys(raw), context);
    } catch (problem) {
      // A row that yields no span, or one whose lookups failed: reported, and reading goes on.
      error({ table, rowid, reason: problem instanceof RowProblem ? problem.message : describeRowFailure(problem) });
      continue;
    }
    emit({ span, pointer: { table, rowid, index: 0 } });
  }
}

export const kitaruStoreReader: StoreReader = {
  format: 'kitaru-db',
  tables: [RUN_TABLE, STEP_TABLE],

  matches(tables) {
    return tables.has(RUN_TABLE) && tables.has(STEP_TABLE) && tables.has(METADATA_TABLE);
  },

  readAll(db, emit, error) {
    const context = new KitaruReadContext(db, readSchema(db), error);
    context.preload();
    readRows(db, RUN_TABLE, context, emit, error);
    readRows(db, STEP_TABLE, context, emit, error);
  },

  readOne(db, pointer: StorePointer): StoreSpanDetail | null {
    const build = BUILDERS[pointer.table];
    if (!build || pointer.index !== 0) return null;
    const context = new KitaruReadContext(db, readSchema(db), () => {});
    const raw = db.prepare(`SELECT rowid AS __rowid, * FROM "${pointer.table}" WHERE rowid = ?`).get(pointer.rowid) as Row | undefined;
    if (!raw) return null;
    let span: NormalizedSpan;
    try {
      span = build(lowerKeys(raw), context);
    } catch (problem) {
      if (problem instanceof RowProblem) return null;
      throw problem;
    }
    const columns: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) if (key !== '__rowid') columns[key] = decodeRawValue(value);
    return { span, raw: columns };
  },
};
