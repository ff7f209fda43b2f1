/**
 * Where a span's bar sits on its session's time axis, as percentages of the axis width.
 * Spans without an end run to the right edge (drawn fading) because they are still going
 * or their end was never written.
 */

export interface TimeAxisRange {
  startUs: number;
  endUs: number;
}

export interface BarGeometry {
  /** Left edge, % of the axis. */
  leftPct: number;
  /** Width, % of the axis; at least `minWidthPct` so instant spans stay visible. */
  widthPct: number;
  /** The span has no end: the bar runs to the axis end. */
  isOpenEnded: boolean;
  /**
   * Where the duration label goes: after the bar; before it when the bar reaches the right
   * edge; inside it (over its start) when there is room on neither side or it is open-ended.
   */
  labelSide: 'right' | 'left' | 'inside';
  /** The span lies wholly before or after the axis (possible when zoomed in). */
  isOutside: boolean;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Bar position of a span [startUs, endUs] (endUs null: open-ended) on an axis. */
export function computeBarGeometry(
  span: { startUs: number; endUs: number | null },
  axis: TimeAxisRange,
  minWidthPct = 0.15,
): BarGeometry {
  const rangeUs = Math.max(1, axis.endUs - axis.startUs);
  const leftPct = clamp(((span.startUs - axis.startUs) / rangeUs) * 100, 0, 100 - minWidthPct);
  const isOpenEnded = span.endUs === null;
  const rightPct = span.endUs === null ? 100 : clamp(((span.endUs - axis.startUs) / rangeUs) * 100, 0, 100);
  const widthPct = Math.min(100 - leftPct, Math.max(minWidthPct, rightPct - leftPct));
  const labelSide = isOpenEnded ? 'inside' : leftPct + widthPct <= 72 ? 'right' : leftPct >= 12 ? 'left' : 'inside';
  const isOutside = span.startUs > axis.endUs || (span.endUs !== null && span.endUs < axis.startUs);
  return { leftPct, widthPct, isOpenEnded, labelSide, isOutside };
}
