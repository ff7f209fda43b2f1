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
