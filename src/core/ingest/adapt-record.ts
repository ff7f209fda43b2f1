/**
 * Classifies one framed JSON value by its shape (never by file name) and hands it to the
 * matching adapter, in the order of FORMATS.md §1 (Phoenix before typed spans: both have
 * `span_kind`). Langfuse observations are tested before Zipkin: an API observation has Zipkin's
 * `traceId` + `id`, and its `parentObservationId` + `type` are the more specific marks (a Langfuse
 * trace row has no `traceId`, and a score's `dataType` is no Zipkin field). Zipkin,
 * Jaeger and Langfuse arrays are adapted as a whole (Zipkin and Jaeger repair ids across their
 * elements); any other array is classified element by element.
 */
import { adaptJaegerDocument, adaptJaegerSpans, adaptJaegerTraces, isJaegerDocument, isJaegerSpan, isJaegerTraceList } from './adapt-jaeger';
import { adaptOtelLog, isOtelLogRecord, type NormalizedLog } from './adapt-otel-log';
import { adaptKitelogikSpanDict, isKitelogikSpanDict } from './adapt-kitelogik-spans';
import { adaptLangfuseRecord, isLangfuseRecord, isLangfuseRow, isLangfuseScore, isLangfuseTraceRow } from './adapt-langfuse';
import { adaptMlflowRecord, isMlflowRecord } from './adapt-mlflow';
import { adaptOtelConsoleSpan, isOtelConsoleSpan } from './adapt-otel-console';
import { adaptOtelJsConsoleSpan, adaptOtelJsSpan, isOtelJsConsoleSpan, isOtelJsSpan } from './adapt-otel-js';
import { adaptOtlpRequest, readOtlpResourceSpans } from './adapt-otlp-json';
import { adaptPhoenixSpan, isPhoenixSpan } from './adapt-phoenix';
import { adaptTypedRecord, isTypedAgentRecord } from './adapt-typed-span';
import { adaptZipkinSpans, isZipkinSpan } from './adapt-zipkin';
import type { FormatName, NormalizedSpan } from './normalized-span';

type Json = Record<string, unknown>;

export type AdaptResult =
  | { isTrace: true; format: FormatName; spans: NormalizedSpan[] }
  /** Valid JSON that carries no spans: an OTel log record, kept as a log. */
  | { isTrace: false; isSkipped: true; what: string; log: NormalizedLog }
  | { isTrace: false; isSkipped: false; reason: string };

function describeKeys(value: unknown): string {
  if (Array.isArray(value)) return `an array of ${value.length} values`;
  if (value === null || typeof value !== 'object') return `a bare ${value === null ? 'null' : typeof value}`;
  const keys = Object.keys(value).slice(0, 8);
  return keys.length === 0 ? 'an empty object' : `top-level keys ${keys.join(', ')}`;
}

const trace = (format: FormatName, spans: NormalizedSpan[]): AdaptResult => ({ isTrace: true, format, spans });

/** A row without an id cannot be placed in its trace: it is reported, not given an empty id. */
function adaptLangfuse(value: Json | unknown[]): AdaptResult {
  const spans = adaptLangfuseRecord(value);
  if (spans.length > 0) return trace('langfuse', spans);
  const what = isLangfuseTraceRow(value) ? 'trace' : isLangfuseScore(value) ? 'score' : 'observation';
  return { isTrace: false, isSkipped: false, reason: `a Langfuse ${what} without an id` };
}

function adaptObject(value: Json): AdaptResult {
  if (readOtlpResourceSpans(value)) return trace('otlp-json', adaptOtlpRequest(value));
  if (isOtelConsoleSpan(value)) return trace('otel-console', [adaptOtelConsoleSpan(value)]);
  if (isOtelLogRecord(value)) return { isTrace: false, isSkipped: true, what: 'an OTel log record', log: adaptOtelLog(value) };
  if (isJaegerDocument(value)) return trace('jaeger', adaptJaegerDocument(value));
  if (isLangfuseRecord(value)) return adaptLangfuse(value);
  if (isOtelJsConsoleSpan(value)) return trace('otel-js-console', [adaptOtelJsConsoleSpan(value)]);
  if (isZipkinSpan(value)) return trace('zipkin', adaptZipkinSpans([value]));
  if (isJaegerSpan(value)) return trace('jaeger', adaptJaegerSpans([value]));
  if (isPhoenixSpan(value)) return trace('phoenix', [adaptPhoenixSpan(value)]);
  if (isOtelJsSpan(value)) return trace('otel-js', [adaptOtelJsSpan(value)]);
  if (isMlflowRecord(value)) return trace('mlflow', adaptMlflowRecord(value));
  if (isKitelogikSpanDict(value)) return trace('kitelogik-spans', [adaptKitelogikSpanDict(value)]);
  if (isTypedAgentRecord(value)) return trace('typed-agent', adaptTypedRecord(value));
  return { isTrace: false, isSkipped: false, reason: `not a trace format Tracelight knows: ${describeKeys(value)}` };
}

/** Arrays whose elements are adapted together: Zipkin v2 bodies, Jaeger span and trace lists, Langfuse rows. */
function adaptWholeArray(list: unknown[]): AdaptResult | null {
  const first = list.find((element) => element !== null && typeof element === 'object' && !Array.isArray(element));
  if (first === undefined) return null;
  if (isLangfuseRow(first)) return adaptLangfuse(list);
  if (isZipkinSpan(first)) return trace('zipkin', adaptZipkinSpans(list));
  if (isJaegerSpan(first)) return trace('jaeger', adaptJaegerSpans(list));
  if (isJaegerTraceList(list)) return trace('jaeger', adaptJaegerTraces(list));
  return null;
}

/**
 * Turns one JSON value into spans, or says why it is not a trace record. Adapters tolerate
 * any shape; should one still throw, the record becomes an error rather than stopping ingest.
 */
export function adaptRecord(value: unknown): AdaptResult {
  try {
    return adaptValue(value);
  } catch (error) {
    return { isTrace: false, isSkipped: false, reason: `unreadable record (${describeKeys(value)}): ${(error as Error).message}` };
  }
}

function adaptValue(value: unknown): AdaptResult {
  if (Array.isArray(value)) {
    const whole = adaptWholeArray(value);
    if (whole) return whole;
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
