/**
 * Which rows to ask the engine for. The visible range is padded ahead and behind and its
 * edges rounded to a quantum, so small scrolls reuse the window already fetched; a new
 * window is fetched only when the visible range leaves the loaded one.
 */

export interface RowWindow {
  offset: number;
  limit: number;
}

export interface WindowOptions {
  /** Window edges are multiples of this many rows. */
  quantumRows: number;
  /** Rows fetched beyond each edge of the visible range. */
  padRows: number;
}

export const DEFAULT_WINDOW_OPTIONS: WindowOptions = { quantumRows: 50, padRows: 60 };

/** The padded, quantized window for the visible rows [visibleStart, visibleEnd). */
export function computeFetchWindow(
  visibleStart: number,
  visibleEnd: number,
  options: WindowOptions = DEFAULT_WINDOW_OPTIONS,
): RowWindow {
  const q = Math.max(1, Math.floor(options.quantumRows));
  const start = Math.max(0, Math.floor(visibleStart));
  const end = Math.max(start + 1, Math.ceil(visibleEnd));
  const offset = Math.max(0, Math.floor((start - options.padRows) / q) * q);
  const windowEnd = Math.ceil((end + options.padRows) / q) * q;
  return { offset, limit: windowEnd - offset };
}

/**
 * True when `loaded` holds every visible row [visibleStart, visibleEnd). Rows past `totalRows`
 * do not exist, so a window reaching the end covers any range beyond it.
 */
export function isRangeCovered(
  loaded: RowWindow | null,
  visibleStart: number,
  visibleEnd: number,
  totalRows: number | null,
): boolean {
  if (!loaded) return false;
  const end = totalRows === null ? visibleEnd : Math.min(visibleEnd, totalRows);
  const start = Math.min(visibleStart, end);
  return start >= loaded.offset && end <= loaded.offset + loaded.limit;
}

/** The row at `index` of a loaded window, or undefined when it is outside. */
export function pickRow<T>(window: { offset: number; rows: readonly T[] } | null, index: number): T | undefined {
  if (!window) return undefined;
  const i = index - window.offset;
  return i >= 0 && i < window.rows.length ? window.rows[i] : undefined;
}
