/**
 * Span status as every format spells it: OTLP integers (0 unset, 1 ok, 2 error), names with
 * or without a prefix (`OK`, `STATUS_CODE_ERROR`, `StatusCode.ERROR`), any case. An empty
 * message is no message.
 */
import type { SpanStatus } from '../../shared/model/span-type';

export interface SpanStatusFields {
  status: SpanStatus;
  statusMessage: string | null;
}

const CODE_BY_NUMBER: Record<number, SpanStatus> = { 0: 'unset', 1: 'ok', 2: 'error' };

/** Reads a status code and message into the normalized status. */
export function readSpanStatus(code: unknown, message: unknown): SpanStatusFields {
  let status: SpanStatus = 'unset';
  if (typeof code === 'number') status = CODE_BY_NUMBER[code] ?? 'unset';
  else if (typeof code === 'string') {
    const name = code.toUpperCase().replace(/^(STATUS_CODE_|STATUSCODE\.)/, '');
    status = name === 'OK' ? 'ok' : name === 'ERROR' ? 'error' : 'unset';
  }
  return { status, statusMessage: typeof message === 'string' && message !== '' ? message : null };
}
