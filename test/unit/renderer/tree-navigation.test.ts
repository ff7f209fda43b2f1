import { describe, expect, it } from 'vitest';
import { computeTreeKeyAction, type TreeKeyAction, type TreeNavRow } from '../../../src/renderer/lib/tree-navigation';

// agent (0)
//   llm (1)
//   tool (1)
//     policy (2)
// other (0, collapsed)
const rows: TreeNavRow[] = [
  { spanKey: 'agent', depth: 0, childCount: 2, isCollapsed: false },
  { spanKey: 'llm', depth: 1, childCount: 0, isCollapsed: false },
  { spanKey: 'tool', depth: 1, childCount: 1, isCollapsed: false },
  { spanKey: 'policy', depth: 2, childCount: 0, isCollapsed: false },
  { spanKey: 'other', depth: 0, childCount: 3, isCollapsed: true },
];

const press = (key: string, index: number, loaded = rows): TreeKeyAction =>
  computeTreeKeyAction({ key, index, totalRows: rows.length, pageRows: 3, rowAt: (i) => loaded[i] });

describe('computeTreeKeyAction', () => {
  const cases: [string, string, number, TreeKeyAction][] = [
    ['down moves to the next row', 'ArrowDown', 0, { kind: 'select', index: 1 }],
    ['down stops at the last row', 'ArrowDown', 4, { kind: 'none' }],
    ['up moves to the previous row', 'ArrowUp', 2, { kind: 'select', index: 1 }],
    ['up stops at the first row', 'ArrowUp', 0, { kind: 'none' }],
    ['down with nothing selected selects the first', 'ArrowDown', -1, { kind: 'select', index: 0 }],
    ['end goes to the last', 'End', 1, { kind: 'select', index: 4 }],
    ['home goes to the first', 'Home', 3, { kind: 'select', index: 0 }],
    ['page down', 'PageDown', 0, { kind: 'select', index: 2 }],
    ['left collapses an expanded parent', 'ArrowLeft', 2, { kind: 'collapse', spanKey: 'tool' }],
    ['left on a leaf goes to its parent', 'ArrowLeft', 3, { kind: 'select', index: 2 }],
    ['left on a root leaf does nothing', 'ArrowLeft', 4, { kind: 'none' }],
    ['right expands a collapsed row', 'ArrowRight', 4, { kind: 'expand', spanKey: 'other' }],
    ['right on an expanded row goes to its first child', 'ArrowRight', 0, { kind: 'select', index: 1 }],
    ['right on a leaf does nothing', 'ArrowRight', 1, { kind: 'none' }],
    ['enter activates', 'Enter', 2, { kind: 'activate', index: 2 }],
    ['other keys do nothing', 'x', 2, { kind: 'none' }],
  ];
  it.each(cases)('%s', (_name, key, index, expected) => {
    expect(press(key, index)).toEqual(expected);
  });

  it('does not guess a parent outside the loaded rows', () => {
    const partial = rows.map((r, i) => (i < 2 ? undefined : r)) as TreeNavRow[];
    expect(press('ArrowLeft', 3, partial)).toEqual({ kind: 'select', index: 2 });
    expect(press('ArrowLeft', 2, [undefined as never, undefined as never, { ...rows[2], childCount: 0 }])).toEqual({ kind: 'none' });
  });
});
