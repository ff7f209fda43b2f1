import { describe, expect, it } from 'vitest';
import { buildSpanTree as buildFromColumns, flattenSpanTree, toSpanTreeColumns, type SpanTreeInput } from '../../../src/shared/model/span-tree';

const buildSpanTree = (spans: SpanTreeInput[]) => buildFromColumns(toSpanTreeColumns(spans));

const span = (spanId: string, parentSpanId: string | null, startUs: number | null, traceId = 't'): SpanTreeInput => ({ traceId, spanId, parentSpanId, startUs });

function rows(spans: SpanTreeInput[], collapsed: string[] = []) {
  const tree = buildSpanTree(spans);
  const flat = flattenSpanTree(tree, (i) => collapsed.includes(spans[i].spanId));
  return flat.order.map((i, r) => `${'  '.repeat(flat.depth[r])}${spans[i].spanId}${tree.isOrphan[i] ? '!' : ''}`);
}

describe('buildSpanTree + flattenSpanTree', () => {
  it('puts children (written first) under their parent, ordered by start', () => {
    expect(rows([span('b', 'a', 20), span('c', 'a', 10), span('a', null, 0)])).toEqual(['a', '  c', '  b']);
  });
  it('marks a span whose parent is missing as an orphan root', () => {
    expect(rows([span('x', 'gone', 5), span('a', null, 0)])).toEqual(['a', 'x!']);
  });
  it('hides the subtree of a collapsed span', () => {
    expect(rows([span('a', null, 0), span('b', 'a', 1), span('c', 'b', 2), span('d', 'a', 3)], ['b'])).toEqual(['a', '  b', '  d']);
  });
  it('looks parents up within the same trace only', () => {
    expect(rows([span('a', null, 0, 't1'), span('b', 'a', 1, 't2')])).toEqual(['a', 'b!']);
  });
  it('breaks cycles instead of looping', () => {
    expect(rows([span('a', 'b', 0), span('b', 'a', 1), span('s', 's', 2)])).toEqual(['a!', '  b', 's!']);
  });
  it('gives duplicate span ids one parent and keeps both rows', () => {
    expect(rows([span('a', null, 0), span('a', null, 1), span('b', 'a', 2)])).toEqual(['a', '  b', 'a']);
  });
  it('draws a span without a start at its parent start', () => {
    const tree = buildSpanTree([span('a', null, 100), span('b', 'a', null)]);
    expect([...tree.drawStartUs]).toEqual([100, 100]);
  });
  it('handles a 100,000-deep chain without overflowing the stack', () => {
    const spans = Array.from({ length: 100_000 }, (_, i) => span(`s${i}`, i === 0 ? null : `s${i - 1}`, i));
    const flat = flattenSpanTree(buildSpanTree(spans), () => false);
    expect(flat.order.length).toBe(100_000);
    expect(flat.depth[99_999]).toBe(99_999);
  });
});
