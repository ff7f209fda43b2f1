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
const NO_CHILDREN: number[] = Object.freeze([]) as unknown as number[];

export interface SpanTreeInput {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  startUs: number | null;
}

export interface SpanTree {
  /** Indices of root spans, in display order. */
  roots: number[];
  /** Children of each span, in display order. */
  children: number[][];
  /** The parent index of each span, or -1 for roots. */
  parent: number[];
  /** Parent id set but not found (or part of a cycle). */
  isOrphan: boolean[];
  /** Start used for drawing: its own, else its parent's (§11.7), else the earliest start. */
  drawStartUs: number[];
}

export interface FlatRows {
  /** Span indices in display order. */
  order: number[];
  /** Depth of each entry of `order`. */
  depth: number[];
}

/** Builds the tree of `spans` (file order). */
export function buildSpanTree(spans: readonly SpanTreeInput[]): SpanTree {
  const count = spans.length;
  // trace id -> span id -> index of its first span (no key strings built per span).
  const byTrace = new Map<string, Map<string, number>>();
  for (let i = 0; i < count; i++) {
    let byId = byTrace.get(spans[i].traceId);
    if (!byId) byTrace.set(spans[i].traceId, (byId = new Map()));
    if (!byId.has(spans[i].spanId)) byId.set(spans[i].spanId, i);
  }
  const parent = new Array<number>(count).fill(-1);
  const isOrphan = new Array<boolean>(count).fill(false);
  // Most spans are leaves: they share one empty list instead of owning one each.
  const children: number[][] = new Array<number[]>(count).fill(NO_CHILDREN);
  for (let i = 0; i < count; i++) {
    const parentId = spans[i].parentSpanId;
    if (parentId === null) continue;
    const p = byTrace.get(spans[i].traceId)!.get(parentId);
    if (p === undefined || p === i) {
      isOrphan[i] = true;
      continue;
    }
    parent[i] = p;
    if (children[p] === NO_CHILDREN) children[p] = [i];
    else children[p].push(i);
  }

  // Break cycles: every span must be reachable from a root.
  const visited = new Uint8Array(count);
  const markFrom = (root: number) => {
    const stack = [root];
    visited[root] = 1;
    while (stack.length > 0) {
      const node = stack.pop()!;
      for (const child of children[node]) {
        if (!visited[child]) {
          visited[child] = 1;
          stack.push(child);
        }
      }
    }
  };
  for (let i = 0; i < count; i++) if (parent[i] === -1) markFrom(i);
  for (let i = 0; i < count; i++) {
    if (visited[i]) continue;
    const p = parent[i];
    children[p] = children[p].filter((c) => c !== i);
    parent[i] = -1;
    isOrphan[i] = true;
    markFrom(i);
  }

  let earliest = Infinity;
  for (const span of spans) if (span.startUs !== null && span.startUs < earliest) earliest = span.startUs;
  if (earliest === Infinity) earliest = 0;

  // Draw starts, parents before children.
  const drawStartUs = new Array<number>(count).fill(earliest);
  const roots: number[] = [];
  for (let i = 0; i < count; i++) if (parent[i] === -1) roots.push(i);
  const byStart = (a: number, b: number) => drawStartUs[a] - drawStartUs[b] || a - b;
  const queue: number[] = [];
  for (const root of roots) {
    drawStartUs[root] = spans[root].startUs ?? earliest;
    queue.push(root);
  }
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    for (const child of children[node]) {
      drawStartUs[child] = spans[child].startUs ?? drawStartUs[node];
      queue.push(child);
    }
  }
  roots.sort(byStart);
  for (const list of children) if (list.length > 1) list.sort(byStart);
  return { roots, children, parent, isOrphan, drawStartUs };
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
    const kids = tree.children[node];
    for (let c = kids.length - 1; c >= 0; c--) {
      nodes.push(kids[c]);
      levels.push(level + 1);
    }
  }
  return { order, depth };
}
