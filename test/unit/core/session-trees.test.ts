import { describe, expect, it } from 'vitest';
import { adoptByTraceRoots } from '../../../src/core/session-trees';
import { buildSpanTree, toSpanTreeColumns } from '../../../src/shared/model/span-tree';

type Row = { traceId: string; spanId: string; parentSpanId: string | null; startUs: number | null };
const row = (spanId: string, parentSpanId: string | null, traceId = 't'): Row => ({ traceId, spanId, parentSpanId, startUs: null });

/** Each span as `id<parent` (`id` for a root), `!` marking an orphan, in input order. */
function describeTree(spans: Row[]): string[] {
  const tree = buildSpanTree(adoptByTraceRoots(toSpanTreeColumns(spans)));
  return spans.map((span, i) => `${span.spanId}${tree.parent[i] === -1 ? '' : `<${spans[tree.parent[i]].spanId}`}${tree.isOrphan[i] ? '!' : ''}`);
}

describe('adoptByTraceRoots: a span whose id is its trace id stands for the trace', () => {
  const cases: [string, Row[], string[]][] = [
    ['parentless observations hang under the trace row', [row('o1', null), row('o2', 'o1'), row('t', null), row('o3', null)], ['o1<t', 'o2<o1', 't', 'o3<t']],
    ['without a trace row they stay roots, not orphans', [row('o1', null), row('o2', 'o1'), row('o3', null)], ['o1', 'o2<o1', 'o3']],
    ['a score of an observation stays under it, a trace score goes under the trace', [row('t', null), row('o1', null), row('s1', 'o1'), row('s2', null)], ['t', 'o1<t', 's1<o1', 's2<t']],
    ['a score whose observation is elsewhere is still an orphan', [row('t', null), row('s1', 'gone')], ['t', 's1!']],
    ['only spans of the same trace', [row('t', null), row('o1', null, 'u')], ['t', 'o1']],
    ['a run root whose spans name their parents changes nothing', [row('t', null), row('a', 't'), row('b', 'a')], ['t', 'a<t', 'b<a']],
    ['a second copy of the trace row stays a root (never a cycle)', [row('t', null), row('t', null), row('o1', null)], ['t', 't', 'o1<t']],
  ];
  for (const [name, spans, shown] of cases) it(name, () => expect(describeTree(spans)).toEqual(shown));

  it('returns the very same list when no span stands for its trace', () => {
    const spans = toSpanTreeColumns([row('o1', null), row('o2', 'o1')]);
    expect(adoptByTraceRoots(spans)).toBe(spans);
  });
});
