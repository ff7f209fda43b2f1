/**
 * CSS grid tracks for a virtualized table whose rows are separate grids: every track has a
 * fixed minimum (never content-sized), so rows with different content still line up.
 */

export interface GridColumnSize {
  /** Narrowest width, px. */
  minPx: number;
  /** Share of spare width (0: fixed at minPx). */
  grow: number;
}

/** The grid-template-columns value and the width under which the table scrolls sideways. */
export function buildGridTemplate(columns: readonly GridColumnSize[]): { template: string; minWidthPx: number } {
  const template = columns.map((c) => (c.grow > 0 ? `minmax(${c.minPx}px, ${c.grow}fr)` : `${c.minPx}px`)).join(' ');
  return { template, minWidthPx: columns.reduce((sum, c) => sum + c.minPx, 0) };
}
