/**
 * The visible time range of the waterfall: the whole session by default, narrowed by zooming
 * and moved by panning, always kept inside the session. Pure range arithmetic in µs.
 */

export interface TimeRange {
  startUs: number;
  endUs: number;
}

/** The narrowest view, µs: below this, bars of integer-µs spans stop meaning anything. */
export const MIN_VIEW_US = 10;

function spanOf(range: TimeRange): number {
  return Math.max(0, range.endUs - range.startUs);
}

/** A range moved (not resized) to lie inside `bounds`; shrunk to `bounds` if wider. */
export function clampTimeRange(view: TimeRange, bounds: TimeRange): TimeRange {
  const boundsUs = spanOf(bounds);
  const viewUs = Math.min(Math.max(spanOf(view), Math.min(MIN_VIEW_US, boundsUs)), boundsUs);
  let startUs = Math.max(bounds.startUs, Math.min(view.startUs, bounds.endUs - viewUs));
  if (!Number.isFinite(startUs)) startUs = bounds.startUs;
  return { startUs, endUs: startUs + viewUs };
}

/**
 * Zooms by `factor` (< 1 zooms in) keeping the instant under `anchorFraction` (0..1 across
 * the view) where it is on screen.
 */
export function zoomTimeRange(view: TimeRange, bounds: TimeRange, anchorFraction: number, factor: number): TimeRange {
  const viewUs = spanOf(view);
  const anchor = Math.min(1, Math.max(0, anchorFraction));
  const anchorUs = view.startUs + anchor * viewUs;
  const nextUs = Math.min(spanOf(bounds), Math.max(MIN_VIEW_US, viewUs * factor));
  return clampTimeRange({ startUs: anchorUs - anchor * nextUs, endUs: anchorUs - anchor * nextUs + nextUs }, bounds);
}

/** Moves the view by `deltaUs` (positive: later), stopping at the session's edges. */
export function panTimeRange(view: TimeRange, bounds: TimeRange, deltaUs: number): TimeRange {
  return clampTimeRange({ startUs: view.startUs + deltaUs, endUs: view.endUs + deltaUs }, bounds);
}

/** The view showing [startUs, endUs] with `paddingFraction` of room on each side. */
export function fitTimeRange(target: TimeRange, bounds: TimeRange, paddingFraction = 0.05): TimeRange {
  const targetUs = Math.max(MIN_VIEW_US, spanOf(target));
  const padUs = targetUs * paddingFraction;
  return clampTimeRange({ startUs: target.startUs - padUs, endUs: target.startUs + targetUs + padUs }, bounds);
}

/** True when the view shows the whole session. */
export function isWholeRange(view: TimeRange, bounds: TimeRange): boolean {
  return view.startUs <= bounds.startUs && view.endUs >= bounds.endUs;
}
