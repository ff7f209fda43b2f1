/**
 * Ticks for a time axis over a range of microseconds, measured from the start of the range
 * (a session's first span is "0"). Steps are "nice": 1, 2 or 5 × 10^k µs below a minute,
 * then whole minutes and hours, so labels read like "250 ms" or "1.5 s", never "0.37 s".
 */

export interface TimeTick {
  /** Offset from the range start, µs. */
  offsetUs: number;
  /** Position in [0, 1] along the axis. */
  fraction: number;
  label: string;
}

export interface TimeTicks {
  stepUs: number;
  ticks: TimeTick[];
}

const SECOND_US = 1_000_000;
const MINUTE_US = 60 * SECOND_US;
const HOUR_US = 60 * MINUTE_US;

/** Steps above ten seconds, in µs; below that, 1-2-5 decades are used. */
const LONG_STEPS_US = [
  15 * SECOND_US,
  30 * SECOND_US,
  MINUTE_US,
  2 * MINUTE_US,
  5 * MINUTE_US,
  10 * MINUTE_US,
  15 * MINUTE_US,
  30 * MINUTE_US,
  HOUR_US,
  2 * HOUR_US,
  3 * HOUR_US,
  6 * HOUR_US,
  12 * HOUR_US,
  24 * HOUR_US,
];

/** The smallest nice step (µs, ≥ 1) that is at least `minStepUs`. */
export function computeNiceStepUs(minStepUs: number): number {
  if (!(minStepUs > 1)) return 1;
  if (minStepUs <= 10 * SECOND_US) {
    const decade = 10 ** Math.floor(Math.log10(minStepUs));
    for (const m of [1, 2, 5]) {
      if (m * decade >= minStepUs) return m * decade;
    }
    return 10 * decade;
  }
  for (const step of LONG_STEPS_US) if (step >= minStepUs) return step;
  return Math.ceil(minStepUs / (24 * HOUR_US)) * 24 * HOUR_US;
}

/** Decimals needed to show multiples of `step` (in some unit) exactly: 0.5 -> 1, 0.25 -> 2, 20 -> 0. */
function decimalsFor(step: number): number {
  for (let d = 0; d < 6; d++) {
    const scaled = step * 10 ** d;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9) return d;
  }
  return 6;
}

/** Label of one tick; the unit is chosen from the step so all labels on an axis agree. */
export function formatTickLabel(offsetUs: number, stepUs: number): string {
  if (offsetUs === 0) return '0';
  if (stepUs >= HOUR_US || (stepUs >= MINUTE_US && offsetUs >= HOUR_US)) {
    const totalMinutes = Math.round(offsetUs / MINUTE_US);
    const h = Math.floor(totalMinutes / 60);
    const m = totalMinutes % 60;
    return m === 0 ? `${h}h` : `${h}h ${String(m).padStart(2, '0')}m`;
  }
  if (stepUs >= MINUTE_US) return `${Math.round(offsetUs / MINUTE_US)}m`;
  if (stepUs >= 15 * SECOND_US) {
    const totalSeconds = Math.round(offsetUs / SECOND_US);
    const m = Math.floor(totalSeconds / 60);
    const s = totalSeconds % 60;
    if (m === 0) return `${s}s`;
    return s === 0 ? `${m}m` : `${m}m ${String(s).padStart(2, '0')}s`;
  }
  const [unitUs, unit] = stepUs >= 200_000 ? [SECOND_US, 's'] : stepUs >= 200 ? [1000, 'ms'] : [1, 'µs'];
  const decimals = decimalsFor(stepUs / unitUs);
  return `${(offsetUs / unitUs).toFixed(decimals)} ${unit}`;
}

/**
 * Ticks for an axis `rangeUs` long starting `fromUs` after the reference (0 unless zoomed in),
 * with at most about `maxTicks` intervals. Labels are offsets from the reference; fractions are
 * positions across the axis. A zero or negative range yields the single tick at its start.
 */
export function computeTimeTicks(rangeUs: number, maxTicks = 8, fromUs = 0): TimeTicks {
  if (!(rangeUs > 0) || !Number.isFinite(rangeUs)) {
    return { stepUs: 1, ticks: [{ offsetUs: fromUs, fraction: 0, label: formatTickLabel(fromUs, 1) }] };
  }
  const stepUs = computeNiceStepUs(rangeUs / Math.max(1, maxTicks));
  const ticks: TimeTick[] = [];
  const first = Math.ceil((fromUs - 1e-6) / stepUs);
  for (let i = first; i * stepUs <= fromUs + rangeUs + 1e-6; i++) {
    const offsetUs = i * stepUs;
    ticks.push({ offsetUs, fraction: (offsetUs - fromUs) / rangeUs, label: formatTickLabel(offsetUs, stepUs) });
  }
  return { stepUs, ticks };
}
