/**
 * The spans of the live-append benchmark, as OTel Python's ConsoleSpanExporter writes them
 * compact (`to_json(indent=None)`, one per line): a seed file holding one finished
 * `agent_session` root of a live session, then one child span per append, each named
 * `live_append_NNNN` so its waterfall row (accessible name "live_append_NNNN (…)") and its
 * index entry can be told apart, with start times that grow so each new row is the last one.
 */
import { formatConsoleRecord, pythonResource, type ConsoleSpan } from '../scripts/lib/otel-console';

export const LIVE_SESSION_ID = 'sess_live_append';
const TRACE_ID = '4c1f0e2d3b5a69788796a5b4c3d2e1f0';
const ROOT_ID = '7a6b5c4d3e2f1a0b';
const RESOURCE = pythonResource('live-agent');

/** The fixed-width span name of append `seq` (0-based). */
export function liveSpanName(seq: number): string {
  return `live_append_${String(seq).padStart(4, '0')}`;
}

/** Span ids: 16 hex digits, unique per sequence number. */
function spanId(seq: number): string {
  return (0x1000_0000_0000 + seq).toString(16).padStart(16, '0');
}

/** The seed file's text: the live session's root span, covering `startUs`..`startUs + 1 h`. */
export function liveSeedText(startUs: number): string {
  const root: ConsoleSpan = {
    name: 'agent_session',
    traceId: TRACE_ID,
    spanId: ROOT_ID,
    parentId: null,
    kind: 'INTERNAL',
    startUs,
    endUs: startUs + 3_600_000_000,
    status: 'OK',
    attributes: { 'kitelogik.session_id': LIVE_SESSION_ID, 'kitelogik.user_role': 'support_agent' },
    events: [],
    links: [],
  };
  return formatConsoleRecord(root, RESOURCE, 'compact');
}

/** One appended line: a finished child of the root, 10 ms after the previous one. */
export function liveSpanLine(seq: number, startUs: number): string {
  const spanStart = startUs + 1_000 + seq * 10_000;
  const span: ConsoleSpan = {
    name: liveSpanName(seq),
    traceId: TRACE_ID,
    spanId: spanId(seq),
    parentId: ROOT_ID,
    kind: 'INTERNAL',
    startUs: spanStart,
    endUs: spanStart + 8_000,
    status: 'UNSET',
    attributes: { 'kitelogik.session_id': LIVE_SESSION_ID, 'bench.seq': seq },
    events: [],
    links: [],
  };
  return formatConsoleRecord(span, RESOURCE, 'compact');
}

/** Milliseconds on CLOCK_MONOTONIC: the same clock in every process of this machine. */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface LatencyStats {
  n: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  minMs: number;
  meanMs: number;
}

export function latencyStats(values: number[]): LatencyStats {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    n: sorted.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? NaN,
    minMs: sorted[0] ?? NaN,
    meanMs: sorted.length ? sum / sorted.length : NaN,
  };
}
