/**
 * The span tree of a session, built once from its spans in file order and then flattened
 * into waterfall rows for any set of collapsed spans. Pure and iterative (deep trees never
 * overflow the stack).
 *
 * Rules (FORMATS.md §11): a span whose parent is missing is a root flagged as an orphan; a
 * parent is looked up within the span's own trace; of duplicate span ids the first is the
 * parent of their children; cycles are broken by making the first unreachable span a root;
 * siblings are ordered by start time, ties by file order.
 */
export interface SpanTreeInput {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  startUs: number | null;
}

/**
 * The spans of a tree as columns, one entry per span in file order: a 100,000-span session is
 * four arrays rather than 100,000 objects (building a tree is on the way to a session's first
 * window, so what it allocates counts).
 */
export interface SpanTreeColumns {
  traceIds: readonly string[];
  spanIds: readonly string[];
  parentIds: readonly (string | null)[];
  starts: readonly (number | null)[];
}

/** Columns of spans held as objects. */
export function toSpanTreeColumns(spans: readonly SpanTreeInput[]): SpanTreeColumns {
  return {
    traceIds: spans.map((span) => span.traceId),
    spanIds: spans.map((span) => span.spanId),
    parentIds: spans.map((span) => span.parentSpanId),
    starts: spans.map((span) => span.startUs),
  };
}

export interface SpanTree {
  /** Indices of root spans, in display order. */
  roots: number[];
  /** The children of span i are childList[childStart[i]] .. childList[childStart[i + 1] - 1], in display order. */
  childStart: Int32Array;
  childList: Int32Array;
  /** The parent index of each span, or -1 for roots. */
  parent: Int32Array;
  /** 1: parent id set but not found (or part of a cycle). */
  isOrphan: Uint8Array;
  /** Start used for drawing: its own, else its parent's (§11.7), else the earliest start. */
  drawStartUs: Float64Array;
}

export interface FlatRows {
  /** Span indices in display order. */
  order: number[];
  /** Depth of each entry of `order`. */
  depth: number[];
}

/** How many children span `index` has. */
export function childCount(tree: SpanTree, index: number): number {
  return tree.childStart[index + 1] - tree.childStart[index];
}

/** The first span of each id, per trace: one map when the spans share one trace (a big session usually does). */
function indexIds(columns: SpanTreeColumns): (traceId: string, spanId: string) => number | undefined {
  const { traceIds, spanIds } = columns;
  const count = spanIds.length;
  let isOneTrace = true;
  for (let i = 1; i < count && isOneTrace; i++) isOneTrace = traceIds[i] === traceIds[0];
  if (isOneTrace) {
    const byId = new Map<string, number>();
    for (let i = count - 1; i >= 0; i--) byId.set(spanIds[i], i); // backwards: the first of duplicates wins
    return (_traceId, spanId) => byId.get(spanId);
  }
  const byTrace = new Map<string, Map<string, number>>();
  for (let i = 0; i < count; i++) {
    let byId = byTrace.get(traceIds[i]);
    if (!byId) byTrace.set(traceIds[i], (byId = new Map()));
    if (!byId.has(spanIds[i])) byId.set(spanIds[i], i);
  }
  return (traceId, spanId) => byTrace.get(traceId)!.get(spanId);
}

/** Children lists of `parent` as one array, each list in index (file) order. */
function groupChildren(parent: Int32Array): { childStart: Int32Array; childList: Int32Array } {
  const count = parent.length;
  const childStart = new Int32Array(count + 1);
  for (let i = 0; i < count; i++) if (parent[i] !== -1) childStart[parent[i] + 1]++;
  for (let i = 0; i < count; i++) childStart[i + 1] += childStart[i];
  const childList = new Int32Array(childStart[count]);
  const next = childStart.slice(0, count);
  for (let i = 0; i < count; i++) if (parent[i] !== -1) childList[next[parent[i]]++] = i;
  return { childStart, childList };
}

/** Builds the tree of spans given as columns in file order. */
export function buildSpanTree(columns: SpanTreeColumns): SpanTree {
  const { traceIds, parentIds, starts } = columns;
  const count = parentIds.length;
  const find = indexIds(columns);
  const parent = new Int32Array(count).fill(-1);
  const isOrphan = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const parentId = parentIds[i];
    if (parentId === null) continue;
    const p = find(traceIds[i], parentId);
    if (p === undefined || p === i) isOrphan[i] = 1;
    else parent[i] = p;
  }
  let { childStart, childList } = groupChildren(parent);

  // Break cycles: every span must be reachable from a root. The first span not reached becomes
  // a root (an orphan), and so on until every span is reached.
  const visited = new Uint8Array(count);
  const stack: number[] = [];
  const markFrom = (root: number) => {
    visited[root] = 1;
    stack.push(root);
    while (stack.length > 0) {
      const node = stack.pop()!;
      for (let c = childStart[node]; c < childStart[node + 1]; c++) {
        const child = childList[c];
        if (!visited[child]) {
          visited[child] = 1;
          stack.push(child);
        }
      }
    }
  };
  for (let i = 0; i < count; i++) if (parent[i] === -1) markFrom(i);
  let hasCycles = false;
  for (let i = 0; i < count; i++) {
    if (visited[i]) continue;
    hasCycles = true;
    parent[i] = -1;
    isOrphan[i] = 1;
    markFrom(i); // through the old lists: i's old parent is below i, so reached again from here
  }
  if (hasCycles) ({ childStart, childList } = groupChildren(parent));

  let earliest = Infinity;
  for (let i = 0; i < count; i++) {
    const start = starts[i];
    if (start !== null && start < earliest) earliest = start;
  }
  if (earliest === Infinity) earliest = 0;

  // Draw starts, parents before children.
  const drawStartUs = new Float64Array(count).fill(earliest);
  const roots: number[] = [];
  for (let i = 0; i < count; i++) if (parent[i] === -1) roots.push(i);
  const queue = new Int32Array(count);
  let tail = 0;
  for (const root of roots) {
    drawStartUs[root] = starts[root] ?? earliest;
    queue[tail++] = root;
  }
  for (let head = 0; head < tail; head++) {
    const node = queue[head];
    for (let c = childStart[node]; c < childStart[node + 1]; c++) {
      const child = childList[c];
      drawStartUs[child] = starts[child] ?? drawStartUs[node];
      queue[tail++] = child;
    }
  }
  const byStart = (a: number, b: number) => drawStartUs[a] - drawStartUs[b] || a - b;
  roots.sort(byStart);
  for (let node = 0; node < count; node++) {
    const from = childStart[node];
    const to = childStart[node + 1];
    if (to - from < 2) continue;
    // Lists are in file order; sort only those that are not already in start order.
    let isSorted = true;
    for (let c = from + 1; c < to && isSorted; c++) isSorted = drawStartUs[childList[c - 1]] <= drawStartUs[childList[c]];
    if (!isSorted) childList.subarray(from, to).sort(byStart);
  }
  return { roots, childStart, childList, parent, isOrphan, drawStartUs };
}

/** Pre-order rows of the tree, skipping the descendants of collapsed spans. */
export function flattenSpanTree(tree: SpanTree, isCollapsed: (index: number) => boolean): FlatRows {
  const order: number[] = [];
  const depth: number[] = [];
  // Two parallel stacks rather than a [node, level] pair per span: no allocation per row.
  const nodes: number[] = [];
  const levels: number[] = [];
  for (let r = tree.roots.length - 1; r >= 0; r--) {
    nodes.push(tree.roots[r]);
    levels.push(0);
  }
  while (nodes.length > 0) {
    const node = nodes.pop()!;
    const level = levels.pop()!;
    order.push(node);
    depth.push(level);
    if (isCollapsed(node)) continue;
    for (let c = tree.childStart[node + 1] - 1; c >= tree.childStart[node]; c--) {
      nodes.push(tree.childList[c]);
      levels.push(level + 1);
    }
  }
  return { order, depth };
}
