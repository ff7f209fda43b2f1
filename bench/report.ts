/**
 * How `npm run bench` (bench/run-bench.ts) writes its figures: printed as one line each,
 * `<figure>: <value> (<how it was measured; …>; goal ≤ <goal>: met | NOT MET)`, and kept in
 * bench-report.json under keys of their own, numbers rounded the same way everywhere.
 */
import type { FrameStats } from './frame-probes';
import type { RpcCall } from './rpc-probes';

/** A number for the report, to `digits` decimals (one that is not finite stays as it is). */
export const round = (n: number, digits = 1) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);
/** A number for a printed line, to `digits` decimals. */
export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));
/** A count for a printed line: 100,000. */
export const count = (n: number) => n.toLocaleString('en-US');
export const verdict = (isMet: boolean) => (isMet ? 'met' : 'NOT MET');

/** A figure of a part that may not have been measured: rounded, or null. */
export const roundOrNull = (n: number | undefined, digits = 1) => (n === undefined ? null : round(n, digits));

/** Every number of an object (of stats) to two decimals, for the report. */
export function roundDeep<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? round(v, 2) : v))) as T;
}

/** `goal ≤ 300 ms at 1 GB: met`: the figure against a goal it must not exceed (`scope`: where the goal holds). */
export function goalAtMost(value: number, goal: number, unit = 'ms', scope = ''): string {
  return `goal ≤ ${goal} ${unit}${scope}: ${verdict(value <= goal)}`;
}

/** rAF fires on vsync: a p95 equal to the idle interval (16.7 ms at 60 Hz) means no frame was missed. */
export function frameVerdict(p95: number, idleFrameMs: number, goalMs: number): string {
  if (p95 <= goalMs) return 'met';
  return p95 <= idleFrameMs * 1.05 ? `met at vsync (p95 = the ${fmt(idleFrameMs)} ms idle frame)` : 'NOT MET';
}

/** `goal ≤ 16 ms: met at vsync (…)`: a p95 frame time against its goal. */
export function frameGoal(p95: number, idleFrameMs: number, goalMs: number): string {
  return `goal ≤ ${goalMs} ms: ${frameVerdict(p95, idleFrameMs, goalMs)}`;
}

/** `p50 3.6 / p95 8.6 / max 27.4 ms`: the main thread's work per frame. */
export function frameWork(f: FrameStats): string {
  return `p50 ${fmt(f.workP50Ms)} / p95 ${fmt(f.workP95Ms)} / max ${fmt(f.workMaxMs)} ms`;
}

/** The page's RPC calls of a load: `listSources 224→231, getWaterfall 279→672 (76 KB), …` (ms after navigation start). */
export function rpcTimeline(calls: RpcCall[]): string {
  return calls
    .map((c) => `${c.method} ${c.sentMs}→${c.answeredMs ?? '?'}${c.responseBytes && c.responseBytes > 10_000 ? ` (${fmt(c.responseBytes / 1024, 0)} KB)` : ''}`)
    .join(', ');
}

/** The line said after a part's figures when they were measured on an out/ older than src/. */
export function staleBuildNote(figure: string): string {
  return `${figure} note: out/ was older than src/ — these figures are for the previous build`;
}

/**
 * The report keys of one scroll measurement, `<prefix>P95FrameMs` … `<prefix>PlaceholderFrames`
 * (with `withSpread`, also its p50 and max frame after the p95); null when it was not measured.
 */
export function frameKeys(prefix: string, f: FrameStats | undefined, withSpread = false): Record<string, number | null> {
  return {
    [`${prefix}P95FrameMs`]: roundOrNull(f?.p95Ms, 2),
    ...(withSpread ? { [`${prefix}P50FrameMs`]: roundOrNull(f?.p50Ms, 2), [`${prefix}MaxFrameMs`]: roundOrNull(f?.maxMs, 2) } : {}),
    [`${prefix}DroppedFrames`]: f ? f.droppedFrames : null,
    [`${prefix}P95FrameWorkMs`]: roundOrNull(f?.workP95Ms, 2),
    [`${prefix}PlaceholderFrames`]: f ? f.placeholderFrames : null,
  };
}
