/**
 * Waterfall windows of a source's sessions. The span tree of a session is built once from a
 * few indexed columns and cached (a few sessions, invalidated when the session grows); a
 * window's rows then need the list fields of its own spans only, read by key.
 *
 * Criteria synthesised from a Grade's `criteria` (FORMATS.md §9) are shown only while the
 * Grade has no real `grader.criterion` child: records arrive in any order, so this is decided
 * each time a tree is built, and a real criterion appended later hides them. They are rows,
 * not spans of the source: `totalSpans` (like every span count) leaves them out.
 *
 * A span whose id is its own trace's id stands for the trace itself (a Langfuse trace row,
 * FORMATS.md §5.3): the trace's other parentless spans are drawn under it, and when it is an
 * instant (a trace row records when the trace began, not how long it ran) it is drawn to the end
 * of its trace. Without such a span those spans stay roots, never orphans. A score (a grader
 * recorded as a moment) is given after what it scores, so it is never flagged outside its parent.
 */
import type { WaterfallQuery, WaterfallRow, WaterfallWindow } from '../shared/contract/wire-types';
import { buildSpanTree, childCount, flattenSpanTree, type FlatRows, type SpanTree, type SpanTreeColumns } from '../shared/model/span-tree';
import type { IndexDb, IndexedSpanRow, SessionSpans } from './index/index-db';
import { decodeSessionTree } from './session-tree-codec';

const TREE_CACHE_SIZE = 4;
/** Float-derived times drift by a microsecond (FORMATS.md §11.9): not skew. */
const SKEW_TOLERANCE_US = 1;
export const MAX_WINDOW_ROWS = 2000;

/** A session's span tree with what its rows need beyond their own fields. */
export interface SessionTree {
  /** Span key of each span of the tree (by index). */
  keys: ArrayLike<number>;
  /** 1 for a criterion synthesised from its Grade, else 0; null when the session has none. */
  synthesized: ArrayLike<number> | null;
  /** Spans of the source in the tree (synthesised criteria not counted). */
  spanCount: number;
  tree: SpanTree;
  /** Where the session's time axis starts and ends (µs): its bounds and every drawn start. */
  startUs: number;
  endUs: number;
}

interface CachedTree extends SessionTree {
  sessionId: string;
  version: number;
  flatKey: string | null;
  flat: FlatRows | null;
  /** Span index -> row of `flat`, built on first reveal. */
  rowOf: Map<number, number> | null;
  /** Span key -> span index, built on first use (reveal, a span's row): not every window needs it. */
  indexByKey: Map<number, number> | null;
  /** End of each trace whose trace-root row is drawn to it, read on first use. */
  traceEndUs: Map<string, number | null>;
}

/** Leaves out synthesised criteria whose Grade (their parent) has a real criterion child. */
export function hideSupersededCriteria(spans: SessionSpans): SessionSpans {
  const { criteria } = spans;
  if (criteria === null || !criteria.includes(1)) return spans;
  const gradesWithReal = new Set<string>();
  criteria.forEach((criterion, i) => {
    const parentId = spans.parentIds[i];
    if (criterion === 0 && parentId !== null) gradesWithReal.add(`${spans.traceIds[i]}\u0000${parentId}`);
  });
  if (gradesWithReal.size === 0) return spans;
  const kept: number[] = [];
  criteria.forEach((criterion, i) => {
    if (criterion !== 1 || !gradesWithReal.has(`${spans.traceIds[i]}\u0000${spans.parentIds[i]}`)) kept.push(i);
  });
  return {
    keys: kept.map((i) => spans.keys[i]),
    traceIds: kept.map((i) => spans.traceIds[i]),
    spanIds: kept.map((i) => spans.spanIds[i]),
    parentIds: kept.map((i) => spans.parentIds[i]),
    starts: kept.map((i) => spans.starts[i]),
    criteria: kept.map((i) => criteria[i]),
  };
}

/**
 * Hangs each trace's parentless spans under the span that stands for the trace (its id is the
 * trace id), when there is one; the spans are otherwise returned as they are.
 */
export function adoptByTraceRoots<T extends SpanTreeColumns>(spans: T): T {
  const { traceIds, spanIds, parentIds } = spans;
  let traceRoots: Set<string> | null = null;
  for (let i = 0; i < spanIds.length; i++) if (parentIds[i] === null && spanIds[i] === traceIds[i]) (traceRoots ??= new Set()).add(traceIds[i]);
  if (traceRoots === null) return spans;
  const roots = traceRoots;
  return { ...spans, parentIds: parentIds.map((parentId, i) => (parentId === null && spanIds[i] !== traceIds[i] && roots.has(traceIds[i]) ? traceIds[i] : parentId)) };
}

/** Builds the tree of a session (or of one of its traces) from the index; null when it has no spans. */
export function buildSessionTree(db: IndexDb, sessionId: string, traceId?: string): SessionTree | null {
  const spans = hideSupersededCriteria(db.querySessionTreeSpans(sessionId, traceId));
  if (spans.keys.length === 0) return null;
  let spanCount = spans.keys.length;
  let synthesized: number[] | null = null;
  if (spans.criteria) {
    synthesized = spans.criteria.map((criterion) => (criterion === 1 ? 1 : 0));
    for (const flag of synthesized) spanCount -= flag;
  }
  const tree = buildSpanTree(adoptByTraceRoots(spans));
  const bounds = db.querySessionBounds(sessionId, traceId);
  let startUs = bounds.startUs ?? Infinity;
  let endUs = bounds.endUs ?? -Infinity;
  for (let i = 0; i < spans.keys.length; i++) {
    const drawStart = tree.drawStartUs[i];
    if (drawStart < startUs) startUs = drawStart;
    if (drawStart > endUs) endUs = drawStart;
  }
  return { keys: spans.keys, synthesized, spanCount, tree, startUs, endUs };
}

function indexOfKey(entry: CachedTree, spanKey: number): number | undefined {
  if (entry.indexByKey === null) {
    const indexByKey = new Map<number, number>();
    for (let i = 0; i < entry.keys.length; i++) indexByKey.set(entry.keys[i], i);
    entry.indexByKey = indexByKey;
  }
  return entry.indexByKey.get(spanKey);
}

function buildRowIndex(flat: FlatRows): Map<number, number> {
  const rowOf = new Map<number, number>();
  flat.order.forEach((spanIndex, row) => rowOf.set(spanIndex, row));
  return rowOf;
}

export class SessionTrees {
  private readonly trees = new Map<string, CachedTree>();
  private readonly versions = new Map<string, number>();

  constructor(private readonly readDb: () => IndexDb) {}

  /** The session gained spans: its cached tree is stale. */
  invalidate(sessionId: string): void {
    this.versions.set(sessionId, (this.versions.get(sessionId) ?? 0) + 1);
  }

  clear(): void {
    this.trees.clear();
    this.versions.clear();
  }

  /** Builds the session's whole tree now if it is not cached; false when the session has no spans. */
  prepare(sessionId: string): boolean {
    return this.getTree(sessionId) !== null;
  }

  private getTree(sessionId: string, traceId?: string): CachedTree | null {
    const cacheKey = `${sessionId}\u0000${traceId ?? ''}`;
    const version = this.versions.get(sessionId) ?? 0;
    const cached = this.trees.get(cacheKey);
    if (cached && cached.version === version) {
      this.trees.delete(cacheKey);
      this.trees.set(cacheKey, cached);
      return cached;
    }
    const built = (traceId === undefined ? this.readPersisted(sessionId) : null) ?? buildSessionTree(this.readDb(), sessionId, traceId);
    if (!built) return null;
    const entry: CachedTree = { ...built, sessionId, version, flatKey: null, flat: null, rowOf: null, indexByKey: null, traceEndUs: new Map() };
    this.trees.set(cacheKey, entry);
    if (this.trees.size > TREE_CACHE_SIZE) this.trees.delete(this.trees.keys().next().value!);
    return entry;
  }

  /**
   * The session's tree as an index worker stored it (big sessions, see index-session-trees-job),
   * when it was built from the spans the index holds now.
   */
  private readPersisted(sessionId: string): SessionTree | null {
    const db = this.readDb();
    const stored = db.readSessionTree(sessionId);
    if (!stored || stored.mark !== db.readSessionBlockMark(sessionId)) return null;
    return decodeSessionTree(stored.tree);
  }

  /**
   * The end a span is drawn to: its own, except for an instant trace root with spans under it,
   * which reaches the end of its trace.
   */
  private drawEndUs(entry: CachedTree, index: number, fields: IndexedSpanRow): number | null {
    const traceId = fields.traceId;
    const isTraceRoot = fields.spanId === traceId && entry.tree.parent[index] === -1 && childCount(entry.tree, index) > 0;
    if (!isTraceRoot || fields.endUs === null || fields.endUs !== fields.startUs) return fields.endUs;
    let traceEndUs = entry.traceEndUs.get(traceId);
    if (traceEndUs === undefined) {
      traceEndUs = this.readDb().querySessionBounds(entry.sessionId, traceId).endUs;
      entry.traceEndUs.set(traceId, traceEndUs);
    }
    return traceEndUs !== null && traceEndUs > fields.endUs ? traceEndUs : fields.endUs;
  }

  private toRow(
    entry: CachedTree,
    index: number,
    depth: number,
    fields: IndexedSpanRow,
    parentFields: IndexedSpanRow | undefined,
    collapsed: Set<number>,
  ): WaterfallRow {
    const spanKey = entry.keys[index];
    const parent = entry.tree.parent[index];
    const startUs = entry.tree.drawStartUs[index];
    const drawEndUs = this.drawEndUs(entry, index, fields);
    let isOutsideParent = false;
    // A score recorded as a moment is given after what it scores, not within it: never skew.
    const isScore = fields.spanType === 'grader' && fields.startUs !== null && fields.endUs === fields.startUs;
    if (parent !== -1 && parentFields && !isScore) {
      const parentStartUs = entry.tree.drawStartUs[parent];
      const parentEndUs = this.drawEndUs(entry, parent, parentFields);
      isOutsideParent =
        startUs < parentStartUs - SKEW_TOLERANCE_US || (fields.endUs !== null && parentEndUs !== null && fields.endUs > parentEndUs + SKEW_TOLERANCE_US);
    }
    return {
      spanKey: String(spanKey),
      spanId: fields.spanId,
      traceId: fields.traceId,
      parentKey: parent === -1 ? null : String(entry.keys[parent]),
      depth,
      name: fields.name,
      spanType: fields.spanType,
      status: fields.status,
      startUs,
      // A finished span written without any times is drawn as an instant, not as running.
      endUs: drawEndUs ?? (fields.startUs === null && fields.status !== 'unset' ? startUs : null),
      childCount: childCount(entry.tree, index),
      isCollapsed: collapsed.has(spanKey),
      isOrphan: entry.tree.isOrphan[index] === 1,
      isOutsideParent,
      ...(entry.synthesized?.[index] === 1 ? { isSynthesized: true } : {}),
      decision: fields.decision,
      model: fields.model,
      inputTokens: fields.inputTokens,
      outputTokens: fields.outputTokens,
    };
  }

  /** A window of the flattened tree, or null when the session has no spans. */
  getWindow(query: WaterfallQuery): WaterfallWindow | null {
    const entry = this.getTree(query.sessionId, query.traceId);
    if (!entry) return null;
    const collapsed = new Set((query.collapsedKeys ?? []).map(Number));
    const flatKey = [...collapsed].sort((a, b) => a - b).join(',');
    if (entry.flatKey !== flatKey || !entry.flat) {
      entry.flat = flattenSpanTree(entry.tree, (i) => collapsed.has(entry.keys[i]));
      entry.flatKey = flatKey;
      entry.rowOf = null;
    }
    const flat = entry.flat;
    const offset = Math.max(0, query.offset | 0);
    const limit = Math.min(Math.max(0, query.limit | 0), MAX_WINDOW_ROWS);
    const end = Math.min(flat.order.length, offset + limit);
    const keys: number[] = [];
    const wanted = new Set<number>();
    for (let r = offset; r < end; r++) {
      const index = flat.order[r];
      keys.push(entry.keys[index]);
      wanted.add(entry.keys[index]);
      const parent = entry.tree.parent[index];
      if (parent !== -1) wanted.add(entry.keys[parent]);
    }
    const fields = this.readDb().querySpanRows([...wanted]);
    const rows: WaterfallRow[] = [];
    for (let r = offset; r < end; r++) {
      const index = flat.order[r];
      const found = fields.get(keys[r - offset]);
      const parent = entry.tree.parent[index];
      const parentFields = parent === -1 ? undefined : fields.get(entry.keys[parent]);
      if (found) rows.push(this.toRow(entry, index, flat.depth[r], found, parentFields, collapsed));
    }
    let revealIndex: number | null = null;
    const revealAncestorKeys: string[] = [];
    const revealSpan = query.revealKey === undefined ? undefined : indexOfKey(entry, Number(query.revealKey));
    if (revealSpan !== undefined) {
      for (let p = entry.tree.parent[revealSpan]; p !== -1; p = entry.tree.parent[p]) revealAncestorKeys.unshift(String(entry.keys[p]));
      entry.rowOf ??= buildRowIndex(flat);
      revealIndex = entry.rowOf.get(revealSpan) ?? null;
    }
    return { totalRows: flat.order.length, totalSpans: entry.spanCount, offset, startUs: entry.startUs, endUs: entry.endUs, rows, revealIndex, revealAncestorKeys };
  }

  /** One span's waterfall row (depth from its ancestors, nothing collapsed). */
  getRow(sessionId: string, spanKey: number): WaterfallRow | null {
    const entry = this.getTree(sessionId);
    const index = entry ? indexOfKey(entry, spanKey) : undefined;
    if (!entry || index === undefined) return null;
    const parent = entry.tree.parent[index];
    const parentKey = parent === -1 ? null : entry.keys[parent];
    const found = this.readDb().querySpanRows(parentKey === null ? [spanKey] : [spanKey, parentKey]);
    const fields = found.get(spanKey);
    if (!fields) return null;
    let depth = 0;
    for (let p = parent; p !== -1; p = entry.tree.parent[p]) depth++;
    return this.toRow(entry, index, depth, fields, parentKey === null ? undefined : found.get(parentKey), new Set());
  }
}
