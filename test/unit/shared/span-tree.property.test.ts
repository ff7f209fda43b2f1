/**
 * The columnar tree builder against a plain statement of the rules (FORMATS.md §11), on random
 * spans: missing parents, self parents, cycles, duplicate ids, several traces, spans without a
 * start. The reference walks objects and lists the obvious way; the builder must give the same
 * parents, orphans, draw starts and display order.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildSpanTree, childCount, flattenSpanTree, toSpanTreeColumns, type SpanTreeInput } from '../../../src/shared/model/span-tree';

interface ReferenceTree {
  parent: number[];
  isOrphan: boolean[];
  drawStartUs: number[];
  order: number[];
  depth: number[];
  childCounts: number[];
}

function referenceTree(spans: SpanTreeInput[]): ReferenceTree {
  const count = spans.length;
  const firstOf = new Map<string, number>();
  spans.forEach((span, i) => {
    const key = `${span.traceId}\u0000${span.spanId}`;
    if (!firstOf.has(key)) firstOf.set(key, i);
  });
  const parent = spans.map((span, i) => {
    if (span.parentSpanId === null) return -1;
    const p = firstOf.get(`${span.traceId}\u0000${span.parentSpanId}`);
    return p === undefined || p === i ? -1 : p;
  });
  const isOrphan = spans.map((span, i) => span.parentSpanId !== null && parent[i] === -1);
  const childrenOf = (node: number) => parent.flatMap((p, i) => (p === node ? [i] : []));
  // The first span not reachable from a root becomes one, until all are reached.
  const reached = new Set<number>();
  const reach = (root: number) => {
    const stack = [root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (reached.has(node)) continue;
      reached.add(node);
      stack.push(...childrenOf(node));
    }
  };
  for (let i = 0; i < count; i++) if (parent[i] === -1) reach(i);
  for (let i = 0; i < count; i++) {
    if (reached.has(i)) continue;
    parent[i] = -1;
    isOrphan[i] = true;
    reach(i);
  }
  const starts = spans.flatMap((span) => (span.startUs === null ? [] : [span.startUs]));
  const earliest = starts.length > 0 ? Math.min(...starts) : 0;
  const drawStartUs = new Array<number>(count).fill(earliest);
  const drawStart = (i: number): number => spans[i].startUs ?? (parent[i] === -1 ? earliest : drawStart(parent[i]));
  for (let i = 0; i < count; i++) drawStartUs[i] = drawStart(i);
  const byStart = (a: number, b: number) => drawStartUs[a] - drawStartUs[b] || a - b;
  const order: number[] = [];
  const depth: number[] = [];
  const visit = (node: number, level: number) => {
    order.push(node);
    depth.push(level);
    for (const child of childrenOf(node).sort(byStart)) visit(child, level + 1);
  };
  for (const root of parent.flatMap((p, i) => (p === -1 ? [i] : [])).sort(byStart)) visit(root, 0);
  return { parent, isOrphan, drawStartUs, order, depth, childCounts: spans.map((_, i) => childrenOf(i).length) };
}

const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
const spanArbitrary = fc.record({
  traceId: fc.constantFrom('t1', 't1', 't2'),
  spanId: fc.constantFrom(...ids),
  parentSpanId: fc.option(fc.constantFrom(...ids, 'gone'), { nil: null }),
  startUs: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
});

describe('buildSpanTree', () => {
  it('gives the parents, orphans, draw starts and order the rules give', () => {
    fc.assert(
      fc.property(fc.array(spanArbitrary, { maxLength: 14 }), (spans) => {
        const expected = referenceTree(spans);
        const tree = buildSpanTree(toSpanTreeColumns(spans));
        const flat = flattenSpanTree(tree, () => false);
        expect([...tree.parent]).toEqual(expected.parent);
        expect([...tree.isOrphan].map((flag) => flag === 1)).toEqual(expected.isOrphan);
        expect([...tree.drawStartUs]).toEqual(expected.drawStartUs);
        expect(flat.order).toEqual(expected.order);
        expect(flat.depth).toEqual(expected.depth);
        expect(spans.map((_, i) => childCount(tree, i))).toEqual(expected.childCounts);
      }),
      { numRuns: 500 },
    );
  });
});
