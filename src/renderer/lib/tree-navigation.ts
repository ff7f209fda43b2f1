/**
 * Keyboard behaviour of the waterfall tree, as a pure decision: given the key, the selected
 * row and a way to look at rows, say what should happen. Follows the WAI-ARIA tree pattern:
 * up/down move, left collapses or goes to the parent, right expands or goes to the first child.
 */

export interface TreeNavRow {
  spanKey: string;
  depth: number;
  childCount: number;
  isCollapsed: boolean;
}

export type TreeKeyAction =
  | { kind: 'select'; index: number }
  | { kind: 'collapse'; spanKey: string }
  | { kind: 'expand'; spanKey: string }
  | { kind: 'activate'; index: number }
  | { kind: 'none' };

export interface TreeNavInput {
  key: string;
  /** Selected row index, -1 when nothing is selected. */
  index: number;
  totalRows: number;
  /** Rows visible in one page, for PageUp/PageDown. */
  pageRows: number;
  /** The row at an index, or undefined when it is not loaded. */
  rowAt(index: number): TreeNavRow | undefined;
}

/** What a key press on the tree does. */
export function computeTreeKeyAction(input: TreeNavInput): TreeKeyAction {
  const { key, index, totalRows, pageRows, rowAt } = input;
  if (totalRows <= 0) return { kind: 'none' };
  const last = totalRows - 1;
  const move = (to: number): TreeKeyAction => {
    const target = Math.min(last, Math.max(0, to));
    return target === index ? { kind: 'none' } : { kind: 'select', index: target };
  };
  if (index < 0) {
    return ['ArrowDown', 'ArrowUp', 'Home', 'PageDown', 'PageUp'].includes(key) ? move(0) : key === 'End' ? move(last) : { kind: 'none' };
  }
  switch (key) {
    case 'ArrowDown':
      return move(index + 1);
    case 'ArrowUp':
      return move(index - 1);
    case 'Home':
      return move(0);
    case 'End':
      return move(last);
    case 'PageDown':
      return move(index + Math.max(1, pageRows - 1));
    case 'PageUp':
      return move(index - Math.max(1, pageRows - 1));
    case 'Enter':
    case ' ':
      return { kind: 'activate', index };
    case 'ArrowRight': {
      const row = rowAt(index);
      if (!row || row.childCount === 0) return { kind: 'none' };
      return row.isCollapsed ? { kind: 'expand', spanKey: row.spanKey } : move(index + 1);
    }
    case 'ArrowLeft': {
      const row = rowAt(index);
      if (!row) return { kind: 'none' };
      if (row.childCount > 0 && !row.isCollapsed) return { kind: 'collapse', spanKey: row.spanKey };
      // In pre-order the parent is the nearest earlier row that is shallower.
      for (let i = index - 1; i >= 0; i--) {
        const candidate = rowAt(i);
        if (!candidate) return { kind: 'none' };
        if (candidate.depth < row.depth) return move(i);
      }
      return { kind: 'none' };
    }
    default:
      return { kind: 'none' };
  }
}
