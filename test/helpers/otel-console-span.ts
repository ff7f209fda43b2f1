/** Builds OTel Python console spans (ReadableSpan.to_json) for tests, pretty or compact. */
export interface ConsoleSpanSpec {
  name: string;
  traceId: string;
  spanId: string;
  parentId?: string | null;
  startMs: number;
  endMs?: number | null;
  status?: 'UNSET' | 'OK' | 'ERROR';
  description?: string;
  attributes?: Record<string, unknown>;
}

const BASE_MS = Date.UTC(2026, 10, 20, 14, 0, 0);

function iso(ms: number): string {
  return new Date(BASE_MS + ms).toISOString().replace('Z', '000Z');
}

const hex = (id: string, length: number) => id.padStart(length, '0');

/** The console span object, keys in the order OTel Python writes them. */
export function makeConsoleSpan(spec: ConsoleSpanSpec): Record<string, unknown> {
  return {
    name: spec.name,
    context: { trace_id: `0x${hex(spec.traceId, 32)}`, span_id: `0x${hex(spec.spanId, 16)}`, trace_state: '[]' },
    kind: 'SpanKind.INTERNAL',
    parent_id: spec.parentId ? `0x${hex(spec.parentId, 16)}` : null,
    start_time: iso(spec.startMs),
    end_time: spec.endMs === null ? null : iso(spec.endMs ?? spec.startMs + 10),
    status: spec.description ? { status_code: spec.status ?? 'UNSET', description: spec.description } : { status_code: spec.status ?? 'UNSET' },
    attributes: spec.attributes ?? {},
    events: [],
    links: [],
    resource: { attributes: { 'service.name': 'test-agent' }, schema_url: '' },
  };
}

/** As json.dumps(indent=4) + "\n" writes it (ConsoleSpanExporter's default). */
export function prettyConsoleSpan(spec: ConsoleSpanSpec): string {
  return `${JSON.stringify(makeConsoleSpan(spec), null, 4)}\n`;
}

/** As one JSON line. */
export function compactConsoleSpan(spec: ConsoleSpanSpec): string {
  return `${JSON.stringify(makeConsoleSpan(spec))}\n`;
}

/** The µs timestamp of `ms` after the base time used by these builders. */
export function usAt(ms: number): number {
  return (BASE_MS + ms) * 1000;
}
