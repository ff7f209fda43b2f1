/**
 * Index worker job, run once when the app starts its workers: indexes a small made-up trace
 * (OTel Python console spans, one line each and indented) into a throwaway in-memory index,
 * so the code that reads, derives and writes spans is compiled before the user's first file
 * arrives. Without it the first ~0.3 s of CPU of that file goes to the JIT, on the same two
 * cores as the indexing. Nothing of the user's is read or written.
 */
import { IndexDb } from './index/index-db';
import type { IndexJob } from './index-worker-protocol';

/** Made-up spans per piece, and pieces: enough calls for V8 to optimize the per-piece code too. */
const SPANS_PER_PIECE = 48;
const PIECES = 240;
const SPANS_PER_TRACE = 24;
const TRACES_PER_SESSION = 3;

const hex = (value: number, digits: number) => value.toString(16).padStart(digits, '0');

/**
 * Attributes in the conventions most files use (GenAI, OpenInference, Traceloop), so the
 * compiled code has seen attribute objects of many shapes and stays valid on the user's.
 */
function warmUpAttributes(index: number, kind: 'chat' | 'execute_tool' | 'invoke_agent', session: string): Record<string, unknown> {
  const tokens = 100 + (index % 50);
  switch (index % 4) {
    case 0:
      return kind === 'chat'
        ? { 'gen_ai.operation.name': kind, 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'warm-up-model', 'gen_ai.response.model': 'warm-up-model-1', 'gen_ai.usage.input_tokens': tokens, 'gen_ai.usage.output_tokens': 10, 'kitelogik.session_id': session }
        : { 'gen_ai.operation.name': kind, 'gen_ai.tool.name': 'search', 'kitelogik.session_id': session };
    case 1:
      return kind === 'chat'
        ? { 'gen_ai.operation.name': kind, 'gen_ai.system': 'anthropic', 'gen_ai.request.model': 'warm-up-model', 'gen_ai.usage.input_tokens': tokens, 'gen_ai.usage.output_tokens': 12, 'session.id': session }
        : { 'gen_ai.operation.name': kind, 'session.id': session };
    case 2:
      return kind === 'chat'
        ? { 'openinference.span.kind': 'LLM', 'llm.model_name': 'warm-up-model', 'llm.token_count.prompt': tokens, 'llm.token_count.completion': 9, 'session.id': session, 'input.value': `question ${index}` }
        : { 'openinference.span.kind': kind === 'execute_tool' ? 'TOOL' : 'AGENT', 'session.id': session };
    default:
      return kind === 'chat'
        ? { 'llm.request.type': 'chat', 'gen_ai.request.model': 'warm-up-model', 'gen_ai.usage.prompt_tokens': tokens, 'gen_ai.usage.completion_tokens': 11, 'traceloop.association.properties.session_id': session }
        : { 'traceloop.span.kind': kind === 'execute_tool' ? 'tool' : 'agent', 'traceloop.association.properties.session_id': session };
  }
}

/** One made-up console span, as OTel Python's ConsoleSpanExporter writes it. */
function warmUpSpan(index: number): Record<string, unknown> {
  const trace = Math.floor(index / SPANS_PER_TRACE);
  const position = index % SPANS_PER_TRACE;
  const kind = position === 0 ? 'invoke_agent' : position % 2 === 0 ? 'execute_tool' : 'chat';
  const start = Date.UTC(2026, 0, 1) + index * 1000;
  const session = `warm-up-${Math.floor(trace / TRACES_PER_SESSION)}`;
  return {
    name: kind === 'chat' ? 'chat warm-up-model' : `${kind} warm-up`,
    context: { trace_id: `0x${hex(trace + 1, 32)}`, span_id: `0x${hex(index + 1, 16)}`, trace_state: '[]' },
    kind: 'SpanKind.INTERNAL',
    parent_id: position === 0 ? null : `0x${hex(trace * SPANS_PER_TRACE + 1, 16)}`,
    start_time: new Date(start).toISOString().replace('Z', '000Z'),
    end_time: new Date(start + 500).toISOString().replace('Z', '000Z'),
    status: { status_code: position % 7 === 0 ? 'ERROR' : 'UNSET' },
    attributes: warmUpAttributes(index, kind, session),
    events: [],
    links: [],
    resource: { attributes: { 'service.name': 'warm-up' }, schema_url: '' },
  };
}

/** The pieces to index: alternately one record per line and indented, as the two forms of the exporter. */
function warmUpPieces(): IndexJob[] {
  const jobs: IndexJob[] = [];
  let offset = 0;
  let line = 1;
  for (let piece = 0; piece < PIECES; piece++) {
    const records: string[] = [];
    for (let i = 0; i < SPANS_PER_PIECE; i++) {
      const span = warmUpSpan(piece * SPANS_PER_PIECE + i);
      records.push(piece % 2 === 0 ? JSON.stringify(span) : JSON.stringify(span, null, 4));
    }
    const text = `${records.join('\n')}\n`;
    const bytes = Buffer.from(text);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
    jobs.push({ type: 'index', jobId: 0, dbPath: ':memory:', bytes: buffer, lengthBytes: bytes.length, offset, line, isClosed: true, encoding: 'json' });
    offset += bytes.length;
    line += text.split('\n').length - 1;
  }
  return jobs;
}

/** Indexes the made-up pieces with `runIndexJob` into an in-memory index; returns the spans indexed. */
export function runWarmUpJob(runIndexJob: (job: IndexJob, db: IndexDb) => { spans: number }): number {
  const db = new IndexDb(':memory:');
  try {
    let spans = 0;
    for (const job of warmUpPieces()) spans += runIndexJob(job, db).spans;
    return spans;
  } finally {
    db.close();
  }
}
