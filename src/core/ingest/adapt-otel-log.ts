/**
 * OTel Python log records (`LogRecord.to_json()`), which share stdout and trace files with
 * spans (FORMATS.md §1, §2). They are kept as logs — linked to their span by trace and span
 * id — never turned into spans.
 */
import type { Attributes } from '../../shared/model/attribute-value';
import { asAttributes } from './adapt-otel-console';
import { normalizeParentId } from './normalize-id';
import { parseAnyTimeToNs } from './parse-time';

type Json = Record<string, unknown>;

export interface NormalizedLog {
  timeNs: bigint | null;
  /** "WARN", "ERROR" … from severity_text, else read from severity_number. */
  severity: string | null;
  body: string;
  /** null when the record was written outside a span (ids all zero or missing). */
  traceId: string | null;
  spanId: string | null;
  attributes: Attributes;
}

/** True for an object shaped like an OTel Python log record. */
export function isOtelLogRecord(value: Json): boolean {
  return 'body' in value && 'severity_number' in value;
}

/** `"<SeverityNumber.WARN: 13>"` (a Python repr) or 13 → a severity name. */
function readSeverity(value: Json): string | null {
  if (typeof value.severity_text === 'string' && value.severity_text !== '') return value.severity_text;
  const number = value.severity_number;
  if (typeof number === 'string') {
    const match = /SeverityNumber\.([A-Z]+)/.exec(number);
    if (match) return match[1];
  }
  if (typeof number === 'number') {
    // OTel severity ranges: 1-4 TRACE, 5-8 DEBUG, 9-12 INFO, 13-16 WARN, 17-20 ERROR, 21-24 FATAL.
    const names = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
    return names[Math.min(5, Math.max(0, Math.floor((number - 1) / 4)))] ?? null;
  }
  return null;
}

/** Maps one log record to the normalized log. */
export function adaptOtelLog(value: Json): NormalizedLog {
  const body = typeof value.body === 'string' ? value.body : JSON.stringify(value.body ?? null);
  return {
    timeNs: parseAnyTimeToNs(value.timestamp) ?? parseAnyTimeToNs(value.observed_timestamp),
    severity: readSeverity(value),
    body,
    traceId: normalizeParentId(value.trace_id),
    spanId: normalizeParentId(value.span_id),
    attributes: asAttributes(value.attributes),
  };
}

