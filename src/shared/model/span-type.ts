/** The kinds of span the views colour and filter by (DESIGN.md §2). */
export const SPAN_TYPES = [
  'llm',
  'tool',
  'agent',
  'chain',
  'retriever',
  'embedding',
  'policy',
  'grader',
  'message',
  'event',
  'node',
  'checkpoint',
  'unknown',
] as const;

export type SpanType = (typeof SPAN_TYPES)[number];

export type SpanStatus = 'unset' | 'ok' | 'error';

export type SpanKind = 'internal' | 'server' | 'client' | 'producer' | 'consumer' | 'unspecified';

/** A policy gate's verdict: allow, hard deny, human review (hitl) or soft deny. */
export type Decision = 'allow' | 'deny' | 'hitl' | 'soft-deny';
