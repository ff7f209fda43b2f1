/**
 * Classifies one framed JSON value by its shape (never by file name) and hands it to the
 * matching adapter. Arrays are classified element by element.
 */
import { adaptOtelConsoleSpan, isOtelConsoleSpan } from './adapt-otel-console';
import { adaptOtlpRequest, readOtlpResourceSpans } from './adapt-otlp-json';
import type { FormatName, NormalizedSpan } from './normalized-span';

type Json = Record<string, unknown>;

export type AdaptResult =
  | { isTrace: true; format: FormatName; spans: NormalizedSpan[] }
  /** Valid JSON that carries no spans we read (an OTel log record): skipped, not an error. */
  | { isTrace: false; isSkipped: true; what: string }
  | { isTrace: false; isSkipped: false; reason: string };

function describeKeys(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length} values`;
  if (value === null || typeof value !== 'object') return `a bare ${value === null ? 'null' : typeof value}`;
  const keys = Object.keys(value).slice(0, 8);
  return keys.length === 0 ? 'an empty object' : `top-level keys ${keys.join(', ')}`;
}

function adaptObject(value: Json): AdaptResult {
  if (readOtlpResourceSpans(value)) return { isTrace: true, format: 'otlp-json', spans: adaptOtlpRequest(value) };
  if (isOtelConsoleSpan(value)) return { isTrace: true, format: 'otel-console', spans: [adaptOtelConsoleSpan(value)] };
  if ('body' in value && 'severity_number' in value) return { isTrace: false, isSkipped: true, what: 'an OTel log record' };
  return { isTrace: false, isSkipped: false, reason: `not a trace format Tracelight knows: ${describeKeys(value)}` };
}

/** Turns one JSON value into spans, or says why it is not a trace record. */
export function adaptRecord(value: unknown): AdaptResult {
  if (Array.isArray(value)) {
    const spans: NormalizedSpan[] = [];
    let format: FormatName | null = null;
    for (const element of value) {
      if (element === null || typeof element !== 'object' || Array.isArray(element)) continue;
      const result = adaptObject(element as Json);
      if (result.isTrace) {
        format ??= result.format;
        spans.push(...result.spans);
      }
    }
    if (format) return { isTrace: true, format, spans };
    return { isTrace: false, isSkipped: false, reason: `not a trace format Tracelight knows: ${describeKeys(value)}` };
  }
  if (value === null || typeof value !== 'object') {
    return { isTrace: false, isSkipped: false, reason: `not a trace format Tracelight knows: ${describeKeys(value)}` };
  }
  return adaptObject(value as Json);
}
