/**
 * Turns framed JSON records into index entries: adapt each record to spans, derive the
 * fields lists need, and keep each span's record location for reading details back.
 * Pure: values in, entries out.
 */
import type { Attributes } from '../../shared/model/attribute-value';
import type { Decision, SpanStatus, SpanType } from '../../shared/model/span-type';
import { deriveIndexFields, type RunStatus } from '../semantics/derive-span-fields';
import { adaptRecord } from './adapt-record';
import type { FramedRecord, FramingError } from './frame-json-records';
import type { NormalizedSpan } from './normalized-span';
import { nsToUs } from './parse-time';

/** One span as the index stores it. */
export interface IndexableSpan {
  /** The span's key in the index when its source decides it (a store's row); absent: numbered in order. */
  spanKey?: number;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  spanType: SpanType;
  status: SpanStatus;
  startUs: number | null;
  endUs: number | null;
  sessionKey: string | null;
  sessionKeySource: string | null;
  model: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  decision: Decision | null;
  isVerdict: boolean;
  /** An LLM call made by a grader: evaluation cost, not agent usage. */
  isGraderCall: boolean;
  runStatus: RunStatus | null;
  tags: string[] | null;
  /** A typed run's `meta` dict. */
  meta: Attributes | null;
  /** A typed criterion span: read from the source, or synthesised from its Grade (hidden when its Grade has real ones). */
  criterion: 'real' | 'synthesized' | null;
  recordOffset: number;
  recordLength: number;
  recordLine: number;
  /** Position of the span among the spans its record yields. */
  recordIndex: number;
  format: string;
}

/** A log record as the index stores it, linked to its span by ids. */
export interface IndexableLog {
  timeUs: number | null;
  severity: string | null;
  body: string;
  traceId: string | null;
  spanId: string | null;
  recordOffset: number;
  recordLength: number;
  recordLine: number;
}

export interface IngestResult {
  spans: IndexableSpan[];
  logs: IndexableLog[];
  errors: FramingError[];
  formats: Set<string>;
}

const EXCERPT_CHARS = 160;

function excerptOf(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
}

/** Adapts and derives one framed record into `into` (records stream through; their parsed values die young). */
export function ingestRecord(record: FramedRecord, into: IngestResult): void {
  const result = adaptRecord(record.value);
  if (!result.isTrace) {
    if (result.isSkipped) {
      const log = result.log;
      into.logs.push({
        timeUs: nsToUs(log.timeNs),
        severity: log.severity,
        body: log.body,
        traceId: log.traceId,
        spanId: log.spanId,
        recordOffset: record.offset,
        recordLength: record.lengthBytes,
        recordLine: record.line,
      });
    }
    else into.errors.push({ offset: record.offset, lengthBytes: record.lengthBytes, line: record.line, reason: result.reason, excerpt: excerptOf(record.value) });
    return;
  }
  const spans = result.spans;
  const indexable: IndexableSpan[] = [];
  try {
    for (let recordIndex = 0; recordIndex < spans.length; recordIndex++) {
      indexable.push(toIndexableSpan(spans[recordIndex], result.format, record.offset, record.lengthBytes, record.line, recordIndex));
    }
  } catch (error) {
    // Deriving is written not to throw; should it still, the record is reported, not the piece lost.
    into.errors.push({ offset: record.offset, lengthBytes: record.lengthBytes, line: record.line, reason: `unreadable record (${result.format}): ${(error as Error).message}`, excerpt: excerptOf(record.value) });
    return;
  }
  if (!into.formats.has(result.format)) into.formats.add(result.format);
  for (const span of indexable) into.spans.push(span);
}

/** What the index takes of a normalized span, its times in µs. */
export interface SpanEssentials {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  status: SpanStatus;
  startUs: number | null;
  endUs: number | null;
  attributes: Attributes;
}

/**
 * One span with its derived fields, as the index stores it. `recordOffset`, `recordLength` and
 * `recordLine` say where its record is: a file's byte offset, length and line, or for a run
 * database the row's rowid, 0 and its table's position in the reader's list.
 */
export function toIndexableSpanFrom(
  span: SpanEssentials,
  format: string,
  recordOffset: number,
  recordLength: number,
  recordLine: number,
  recordIndex: number,
): IndexableSpan {
  const fields = deriveIndexFields(span.name, span.attributes);
  const startUs = span.startUs;
  let endUs = span.endUs;
  // An end before the start is a broken clock or a placeholder: draw the span open, never negative.
  if (endUs !== null && startUs !== null && endUs < startUs) endUs = null;
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    spanType: fields.spanType,
    status: span.status,
    startUs,
    endUs,
    sessionKey: fields.sessionKey,
    sessionKeySource: fields.sessionKeySource,
    model: fields.model,
    inputTokens: fields.inputTokens,
    outputTokens: fields.outputTokens,
    costUsd: fields.costUsd,
    decision: fields.decision,
    isVerdict: fields.isVerdict,
    isGraderCall: fields.isGraderCall,
    runStatus: fields.runStatus,
    tags: fields.tags,
    meta: fields.meta,
    criterion: fields.criterion,
    recordOffset,
    recordLength,
    recordLine,
    recordIndex,
    format,
  };
}

/** One normalized span with its derived fields, as the index stores it (see toIndexableSpanFrom). */
export function toIndexableSpan(
  span: NormalizedSpan,
  format: string,
  recordOffset: number,
  recordLength: number,
  recordLine: number,
  recordIndex: number,
): IndexableSpan {
  const essentials: SpanEssentials = {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId,
    name: span.name,
    status: span.status,
    startUs: nsToUs(span.startNs),
    endUs: nsToUs(span.endNs),
    attributes: span.attributes,
  };
  return toIndexableSpanFrom(essentials, format, recordOffset, recordLength, recordLine, recordIndex);
}

/** An empty result to ingest records into. */
export function createIngestResult(): IngestResult {
  return { spans: [], logs: [], errors: [], formats: new Set() };
}

/** Adapts and derives every framed record. */
export function ingestRecords(records: readonly FramedRecord[]): IngestResult {
  const result = createIngestResult();
  for (const record of records) ingestRecord(record, result);
  return result;
}
