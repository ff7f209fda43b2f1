/**
 * Builds span records in the shape OTel Python's `ReadableSpan.to_json()` writes (FORMATS.md §2),
 * key order included. Times are integer microseconds since the epoch: the console form has only
 * microsecond precision, so generating whole microseconds keeps the round trip exact.
 */
import { pyDumps, type PyValue } from './py-json';

export type ConsoleKind = 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
export type ConsoleStatus = 'UNSET' | 'OK' | 'ERROR';
export type PyAttributes = { [key: string]: PyValue };

export interface ConsoleEvent {
  name: string;
  timeUs: number;
  attributes: PyAttributes;
}

export interface ConsoleLink {
  traceId: string;
  spanId: string;
  attributes: PyAttributes | null;
}

export interface ConsoleSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentId: string | null;
  kind: ConsoleKind;
  startUs: number;
  endUs: number | null;
  status: ConsoleStatus;
  statusDescription?: string;
  attributes: PyAttributes;
  events: ConsoleEvent[];
  links: ConsoleLink[];
}

/** Python's `ns_to_iso_str`: `%Y-%m-%dT%H:%M:%S.%fZ`, UTC, six fractional digits. */
export function formatIsoMicros(us: number): string {
  const seconds = Math.floor(us / 1_000_000);
  const micros = us - seconds * 1_000_000;
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  return `${base}.${String(micros).padStart(6, '0')}Z`;
}

function formatContext(traceId: string, spanId: string): PyValue {
  return { trace_id: `0x${traceId}`, span_id: `0x${spanId}`, trace_state: '[]' };
}

/** The dict `to_json` passes to `json.dumps`, in the same key order. */
export function toConsoleDict(span: ConsoleSpan, resource: PyValue): PyValue {
  const status: { [key: string]: PyValue } = { status_code: span.status };
  if (span.statusDescription) status.description = span.statusDescription;
  return {
    name: span.name,
    context: formatContext(span.traceId, span.spanId),
    kind: `SpanKind.${span.kind}`,
    parent_id: span.parentId === null ? null : `0x${span.parentId}`,
    start_time: formatIsoMicros(span.startUs),
    end_time: span.endUs === null ? null : formatIsoMicros(span.endUs),
    status,
    attributes: span.attributes,
    events: span.events.map((e) => ({
      name: e.name,
      timestamp: formatIsoMicros(e.timeUs),
      attributes: e.attributes,
    })),
    links: span.links.map((l) => ({
      context: formatContext(l.traceId, l.spanId),
      attributes: l.attributes,
    })),
    resource,
  };
}

/** The resource block of SDK >= 1.12: default attributes first, then the service name. */
export function pythonResource(serviceName: string, sdkVersion = '1.38.0'): PyValue {
  return {
    attributes: {
      'telemetry.sdk.language': 'python',
      'telemetry.sdk.name': 'opentelemetry',
      'telemetry.sdk.version': sdkVersion,
      'service.name': serviceName,
    },
    schema_url: '',
  };
}

/** One exported record: `to_json()` (indent 4) or `to_json(indent=None)`, plus `os.linesep`. */
export function formatConsoleRecord(span: ConsoleSpan, resource: PyValue, form: 'pretty' | 'compact'): string {
  return pyDumps(toConsoleDict(span, resource), form === 'pretty' ? 4 : null) + '\n';
}
