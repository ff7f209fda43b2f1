/**
 * What every format adapter produces (FORMATS.md §10): one span, ids normalised, times as
 * BigInt nanoseconds since the epoch. Pure data; derived fields are added by core/semantics.
 */
import type { Attributes } from '../../shared/model/attribute-value';
import type { SpanKind, SpanStatus } from '../../shared/model/span-type';

export interface NormalizedEvent {
  name: string;
  timeNs: bigint | null;
  attributes: Attributes;
}

export interface NormalizedLink {
  traceId: string;
  spanId: string;
  attributes: Attributes;
}

export interface NormalizedSpan {
  traceId: string;
  spanId: string;
  /** null for roots ("", missing, all-zero parent ids). */
  parentSpanId: string | null;
  name: string;
  kind: SpanKind;
  /** null when the source did not say (inherit the parent's start when drawing). */
  startNs: bigint | null;
  /** null: still open, or never ended. */
  endNs: bigint | null;
  status: SpanStatus;
  statusMessage: string | null;
  attributes: Attributes;
  events: NormalizedEvent[];
  links: NormalizedLink[];
  resource: Attributes;
  scope: { name: string; version: string | null } | null;
}

/** Format names as reported to users (summary, sidebar). */
export type FormatName =
  | 'otel-console'
  | 'otlp-json'
  | 'otel-js'
  | 'otel-js-console'
  | 'jaeger'
  | 'zipkin'
  | 'phoenix'
  | 'mlflow'
  | 'kitelogik-spans'
  | 'langfuse'
  | 'typed-agent';
