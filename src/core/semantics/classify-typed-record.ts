/**
 * Which Caribou-style typed record a span is (FORMATS.md §9), read from its fields (top level
 * and `attributes` already merged). Shared by the typed-span adapter, which names and dates
 * the span, and by semantics, which derives its type and fields, so both always agree.
 */
import type { Attributes } from '../../shared/model/attribute-value';

export type TypedRecordType = 'message' | 'tool' | 'grade' | 'criterion' | 'event' | 'run' | 'span';

/** Marks a span Tracelight made up (a criterion read from its Grade's `criteria`), not one read from the source. */
export const SYNTHESIZED_ATTRIBUTE = 'tracelight.synthesized';

/** Fields that only a run record carries. */
export const TYPED_RUN_FIELDS = ['datapoint_id', 'phase', 'run_id', 'step', 'model_name'] as const;

/** Every field the classification reads. */
export const TYPED_RECORD_KEYS = ['span_kind', 'span_name', 'role', 'call_id', 'score', 'details', 'datapoint_id', 'phase'] as const;

const present = (fields: Attributes, key: string) => fields[key] !== undefined && fields[key] !== null;

/** True when the fields hold run-level data (datapoint, phase, …). */
export function hasTypedRunFields(fields: Attributes): boolean {
  return present(fields, 'datapoint_id') || present(fields, 'phase');
}

/** First match wins: criterion, then the `span_kind` (else `span_name`) prefix, then the fields present. */
export function classifyTypedRecord(fields: Attributes, hasSpanId: boolean): TypedRecordType {
  const kind = typeof fields.span_kind === 'string' && fields.span_kind !== '' ? fields.span_kind : null;
  const name = typeof fields.span_name === 'string' && fields.span_name !== '' ? fields.span_name : null;
  if (kind === 'grader.criterion' || name === 'grader.criterion') return 'criterion';
  const label = kind ?? name;
  if (label !== null) {
    switch (label.split('.')[0]) {
      case 'message':
        return 'message';
      case 'grader':
        // A grader's own LLM call is a Message (it has a role); otherwise it is the Grade.
        return present(fields, 'role') ? 'message' : 'grade';
      case 'tool':
        return 'tool';
      case 'event':
        return 'event';
      case 'trace_run':
      case 'run':
        return 'run';
    }
  }
  if (present(fields, 'role')) return 'message';
  if (present(fields, 'call_id')) return 'tool';
  if (present(fields, 'score')) return 'grade';
  if (present(fields, 'details')) return 'event';
  if (hasTypedRunFields(fields) && !hasSpanId) return 'run';
  return 'span';
}
