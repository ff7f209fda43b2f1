/**
 * Colours of waterfall bars and badges. A bar is coloured by its span type, except that a
 * policy verdict shows the verdict (allow green, deny red, human review amber, soft deny
 * orange) and an error shows red: the states a user scans for win over the category.
 */
import type { Decision, SpanStatus, SpanType } from '../../shared/model/span-type';

export const SPAN_TYPE_COLORS: Readonly<Record<SpanType, string>> = {
  agent: '#818cf8',
  llm: '#c084fc',
  tool: '#38bdf8',
  chain: '#2dd4bf',
  retriever: '#a3e635',
  embedding: '#f472b6',
  policy: '#94a3b8',
  grader: '#fde68a',
  message: '#cbd5e1',
  event: '#7c8799',
  node: '#67e8f9',
  checkpoint: '#d6d3d1',
  unknown: '#6b7280',
};

export const DECISION_COLORS: Readonly<Record<Decision, string>> = {
  allow: '#22c55e',
  deny: '#ef4444',
  hitl: '#f59e0b',
  'soft-deny': '#f97316',
};

export const ERROR_COLOR = '#ef4444';

export const DECISION_LABELS: Readonly<Record<Decision, string>> = {
  allow: 'allow',
  deny: 'deny',
  hitl: 'human review',
  'soft-deny': 'soft deny',
};

/** Colour of a span type, falling back to "unknown" for types this build does not know. */
export function selectSpanTypeColor(spanType: string): string {
  return (SPAN_TYPE_COLORS as Record<string, string>)[spanType] ?? SPAN_TYPE_COLORS.unknown;
}

/** Colour of a waterfall bar: decision first, then error status, then span type. */
export function selectBarColor(span: { spanType: string; status: SpanStatus; decision: Decision | null }): string {
  if (span.decision) return DECISION_COLORS[span.decision] ?? selectSpanTypeColor(span.spanType);
  if (span.status === 'error') return ERROR_COLOR;
  return selectSpanTypeColor(span.spanType);
}
