/**
 * Writes a large, deterministic OTel Python console file of kitelogik-like agent traces for the
 * benchmarks: `compact` is `to_json(indent=None)` per line, `pretty` is the exporter's default
 * `to_json()` (indent 4) records back to back. Records are built as strings, copied into one
 * reused 8 MB buffer and written when it fills, so a 1 GB file never sits in memory. Whole traces only: the file ends
 * after the trace that reaches `sizeBytes`. `generateOtelTraceFile` writes instead one session holding one huge
 * trace of an exact span count (the waterfall benchmark; optionally with one child of the root
 * holding a given number of descendants, the collapse benchmark), and `generateOtelSessionsFile`
 * an exact number of tiny sessions (the sessions table benchmark).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { Prng } from '../scripts/lib/prng';
import { pyFloat, pyDumps, type PyValue } from '../scripts/lib/py-json';
import {
  formatConsoleRecord,
  pythonResource,
  type ConsoleKind,
  type ConsoleSpan,
  type PyAttributes,
} from '../scripts/lib/otel-console';

export interface GenerateOtelOptions {
  path: string;
  form: 'compact' | 'pretty';
  sizeBytes: number;
  seed: number;
}

export interface GenerateOtelResult {
  spans: number;
  traces: number;
  sessions: number;
  bytes: number;
  llmSpans: number;
  /** Sums of gen_ai.usage.input_tokens / output_tokens over the LLM spans. */
  inputTokens: number;
  outputTokens: number;
}

export interface GenerateOtelTraceOptions {
  path: string;
  form: 'compact' | 'pretty';
  /** Exact number of spans in the one trace (at least 1). */
  spans: number;
  seed: number;
  /**
   * When set: the root's first child is one sub-agent (SUBTREE_SPAN_NAME) with exactly this
   * many descendants, the rest of the spans are the root's usual turns after it. At least 1,
   * at most `spans - 2`. Unset: the usual trace, byte for byte.
   */
  subtreeSpans?: number;
}

export interface GenerateOtelTraceResult extends GenerateOtelResult {
  sessionId: string;
  traceId: string;
  /** Deepest nesting level (the root is 0). */
  maxDepth: number;
  /** Only with the `subtreeSpans` option: the root's big first child. */
  subtree?: LongTraceSubtree;
}

/** The root's first child of a trace made with `subtreeSpans`: one sub-agent holding a big share of the spans. */
export interface LongTraceSubtree {
  /** Its span name (unique in the trace): SUBTREE_SPAN_NAME. */
  name: string;
  /** Its span id, 16 hex digits (OTel console form without the 0x). */
  spanId: string;
  /** Spans below it (children, grandchildren, ...), exactly the `subtreeSpans` asked for. */
  descendants: number;
  /** Its direct children (agent.turn spans, plus a last model call when one span was left). */
  turns: number;
}

/** Name of the big subtree's top span (`generateOtelTraceFile` with `subtreeSpans`). */
export const SUBTREE_SPAN_NAME = 'invoke_agent deep_research';

export interface GenerateOtelSessionsOptions {
  path: string;
  /** Exact number of sessions, each one trace of 1-3 spans. */
  sessions: number;
  seed: number;
  /** Default 'compact'. */
  form?: 'compact' | 'pretty';
}

export interface GenerateOtelSessionsResult extends GenerateOtelResult {
  /** The session that starts last (the sessions table's first row, newest first). */
  newestSessionId: string;
  /** The session that starts first. */
  oldestSessionId: string;
}

/** 2026-11-20T00:00:00.000000Z in microseconds. */
const BASE_US = 1_795_132_800_000_000;
const CHUNK_BYTES = 8 * 1024 * 1024;

const ROLES = ['support_agent', 'support_lead', 'billing_specialist', 'customer_self_service'];
const MODELS = [
  { request: 'gpt-4o', response: 'gpt-4o-2024-08-06', provider: 'openai' },
  { request: 'claude-sonnet-4', response: 'claude-sonnet-4-20250514', provider: 'anthropic' },
];
const TOOLS: [string, string, string][] = [
  ['lookup_order', 'read', 'INFORMATIONAL'],
  ['search_kb', 'search', 'INFORMATIONAL'],
  ['get_shipping_status', 'read', 'INFORMATIONAL'],
  ['approve_refund', 'write', 'TRANSACTIONAL_HIGH'],
  ['apply_credit', 'write', 'TRANSACTIONAL_LOW'],
  ['send_email', 'send', 'OPERATIONAL'],
  ['create_ticket', 'create', 'OPERATIONAL'],
  ['delete_account', 'delete', 'DESTRUCTIVE'],
];
const QUESTIONS = [
  'Where is my order? It was supposed to arrive on Monday.',
  'I was charged twice for the same invoice, can you check?',
  'The zip on my jacket broke, is that covered by the warranty?',
  'Please cancel my subscription and refund the remaining months.',
  'Can I change the delivery address of my last order?',
  'Do you ship to Norway and how much are the customs fees?',
];

type Model = (typeof MODELS)[number];

/** What the spans of one trace share. */
interface TraceContext {
  traceId: string;
  sessionId: string;
  /** kitelogik.user_role of the agent at work (a delegated sub-agent works as billing_specialist). */
  role: string;
  model: Model;
}

class TraceWriter {
  private readonly rng: Prng;
  private readonly form: 'compact' | 'pretty';
  private readonly resource: PyValue;
  private readonly chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private chunkBytes = 0;
  bytes = 0;
  spans = 0;
  llmSpans = 0;
  inputTokens = 0;
  outputTokens = 0;

  constructor(
    private readonly fd: number,
    seed: number,
    form: 'compact' | 'pretty',
  ) {
    this.rng = new Prng(seed);
    this.form = form;
    this.resource = pythonResource('support-agent');
  }

  /** What has been written, as a generator reports it. */
  result(traces: number, sessions: number): GenerateOtelResult {
    return {
      spans: this.spans,
      traces,
      sessions,
      bytes: this.bytes,
      llmSpans: this.llmSpans,
      inputTokens: this.inputTokens,
      outputTokens: this.outputTokens,
    };
  }

  /** Appends one finished span. Python's json.dumps is ASCII-only, so characters are bytes. */
  private emit(span: ConsoleSpan): void {
    const text = formatConsoleRecord(span, this.resource, this.form);
    if (this.chunkBytes + text.length > CHUNK_BYTES) this.flush();
    if (text.length > CHUNK_BYTES) this.writeAll(Buffer.from(text, 'latin1'));
    else this.chunkBytes += this.chunk.write(text, this.chunkBytes, 'latin1');
    this.bytes += text.length;
    this.spans++;
  }

  flush(): void {
    if (this.chunkBytes === 0) return;
    this.writeAll(this.chunk.subarray(0, this.chunkBytes));
    this.chunkBytes = 0;
  }

  private writeAll(buffer: Buffer): void {
    let offset = 0;
    while (offset < buffer.length) offset += writeSync(this.fd, buffer, offset, buffer.length - offset);
  }

  /**
   * Appends one finished span of the trace, status UNSET unless `fixed` says otherwise. Its span
   * id is drawn here even when `fixed` gives it the one its children were written with (drawn
   * before them), which keeps every generated file what it has always been, byte for byte.
   */
  private writeSpan(
    name: string,
    trace: TraceContext,
    parentId: string | null,
    kind: ConsoleKind,
    startUs: number,
    endUs: number,
    attributes: PyAttributes,
    fixed: Partial<Pick<ConsoleSpan, 'spanId' | 'status' | 'statusDescription'>> = {},
  ): void {
    this.emit({
      name,
      traceId: trace.traceId,
      spanId: this.rng.hex(16),
      parentId,
      kind,
      startUs,
      endUs,
      status: 'UNSET',
      attributes,
      events: [],
      links: [],
      ...fixed,
    });
  }

  /** The trace's `agent_session` root, ending a little after `lastEndUs` (written last); returns its end. */
  private writeSessionRoot(trace: TraceContext, rootId: string, startUs: number, lastEndUs: number, iteration: number): number {
    const endUs = lastEndUs + this.rng.int(150, 1800);
    const attributes = {
      'kitelogik.session_id': trace.sessionId,
      'kitelogik.user_role': trace.role,
      'gen_ai.request.model': trace.model.request,
      'kitelogik.delegation_depth': 0,
      'kitelogik.iteration': iteration,
    };
    this.writeSpan('agent_session', trace, null, 'INTERNAL', startUs, endUs, attributes, { spanId: rootId, status: 'OK' });
    return endUs;
  }

  /** A delegated sub-agent's `invoke_agent <agent>` span (its work written before it, under `agentId`). */
  private writeAgent(name: string, trace: TraceContext, parentId: string, agentId: string, startUs: number, endUs: number): void {
    const attributes = {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': name.replace(/^invoke_agent /, ''),
      'kitelogik.session_id': trace.sessionId,
      'kitelogik.delegation_depth': 1,
    };
    this.writeSpan(name, trace, parentId, 'INTERNAL', startUs, endUs, attributes, { spanId: agentId, status: 'OK' });
  }

  /** An `execute_tool <tool>` span starting at `startUs`; returns its end. */
  private writeToolSpan(tool: string, trace: TraceContext, parentId: string, startUs: number): number {
    const endUs = startUs + this.rng.int(30_000, 900_000);
    this.writeSpan(`execute_tool ${tool}`, trace, parentId, 'INTERNAL', startUs, endUs, {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': tool,
      'gen_ai.tool.call.arguments': pyDumps({ order_id: `ORD-${this.rng.int(10000, 99999)}` }),
      'kitelogik.session_id': trace.sessionId,
    });
    return endUs;
  }

  /** A step of the policy gate: its own attributes, then its duration in ms and the session. */
  private writeGateStep(name: string, trace: TraceContext, parentId: string, startUs: number, endUs: number, attributes: PyAttributes = {}): void {
    this.writeSpan(name, trace, parentId, 'INTERNAL', startUs, endUs, {
      ...attributes,
      'kitelogik.duration_ms': pyFloat((endUs - startUs) / 1000),
      'kitelogik.session_id': trace.sessionId,
    });
  }

  /** Writes one trace of exactly `spanCount` spans (5..60) starting at `startUs`; returns its end. */
  writeTrace(sessionId: string, role: string, model: Model, spanCount: number, startUs: number): number {
    const rng = this.rng;
    const trace: TraceContext = { traceId: rng.hex(32), sessionId, role, model };
    const rootId = rng.hex(16);
    let clock = startUs + rng.int(300, 2500);
    let budget = spanCount - 1;
    let iteration = 0;
    let transcript = this.question();
    while (budget > 0) {
      iteration++;
      // Steps end with room for one more span: the trace ends with a model call.
      ({ transcript, clock, budget } = this.writeStep(trace, rootId, transcript, iteration, clock, budget, 1));
    }
    return this.writeSessionRoot(trace, rootId, startUs, clock, iteration);
  }

  /**
   * One step of agent work under `parentId`: a model call, then up to two tool calls through the
   * policy gate (6 spans if allowed, 4 if not) while `budget` holds them and `reserve` more.
   * Returns the grown transcript, the end of the last span, the budget left and the tool calls.
   */
  private writeStep(
    trace: TraceContext,
    parentId: string,
    transcript: string,
    iteration: number,
    clock: number,
    budget: number,
    reserve: number,
  ): { transcript: string; clock: number; budget: number; toolCalls: number } {
    const rng = this.rng;
    const llm = this.writeLlmCall(trace, parentId, transcript, iteration, clock);
    clock = llm.endUs;
    budget--;
    let toolCalls = 0;
    const calls = rng.int(0, 2);
    for (let c = 0; c < calls; c++) {
      const allowed = budget >= 6 + reserve && rng.chance(0.8);
      if (!allowed && budget < 4 + reserve) break;
      clock = this.writeToolCall(trace, parentId, allowed, clock);
      budget -= allowed ? 6 : 4;
      toolCalls++;
    }
    return { transcript: llm.transcript, clock, budget, toolCalls };
  }

  /** One model call under `parentId` starting after `clock`; returns its end and the grown transcript. */
  private writeLlmCall(trace: TraceContext, parentId: string, transcript: string, iteration: number, clock: number): { endUs: number; transcript: string } {
    const rng = this.rng;
    const model = trace.model;
    const llmStart = clock + rng.int(400, 4000);
    const inputTokens = 900 + Math.ceil(transcript.length / 4) + rng.int(0, 400);
    const outputTokens = rng.int(12, 420);
    const llmEnd = llmStart + Math.min(5_998_000, Math.max(400_000, Math.round((0.2 + inputTokens * 0.00008 + outputTokens * rng.float(0.012, 0.03)) * 1e6)));
    const reply = `Step ${iteration}: checking the account and the order history before answering (${outputTokens} tokens).`;
    this.writeSpan(`chat ${model.request}`, trace, parentId, 'CLIENT', llmStart, llmEnd, {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': model.provider,
      'gen_ai.request.model': model.request,
      'gen_ai.response.model': model.response,
      'gen_ai.usage.input_tokens': inputTokens,
      'gen_ai.usage.output_tokens': outputTokens,
      'gen_ai.input.messages': transcript,
      'gen_ai.output.messages': `[{"role": "assistant", "parts": [{"type": "text", "content": "${reply}"}], "finish_reason": "stop"}]`,
      'kitelogik.session_id': trace.sessionId,
    });
    this.llmSpans++;
    this.inputTokens += inputTokens;
    this.outputTokens += outputTokens;
    return {
      endUs: llmEnd,
      transcript: transcript.slice(0, -1) + `, {"role": "assistant", "parts": [{"type": "text", "content": "${reply}"}]}]`,
    };
  }

  /** One tool call through the policy gate under `parentId` (adapter > gate > schema/OPA, tool, sanitizer); returns its end. */
  private writeToolCall(trace: TraceContext, parentId: string, allowed: boolean, clock: number): number {
    const rng = this.rng;
    const role = trace.role;
    const [tool, action, tier] = rng.pick(TOOLS);
    const adapterId = rng.hex(16);
    const gateId = rng.hex(16);
    const adapterStart = clock + rng.int(120, 700);
    const gateStart = adapterStart + rng.int(30, 120);
    const schemaStart = gateStart + rng.int(20, 60);
    const schemaEnd = schemaStart + rng.int(90, 1200);
    const opaStart = schemaEnd + rng.int(10, 40);
    const opaEnd = opaStart + rng.int(1500, 9000);
    const gateEnd = opaEnd + rng.int(40, 200);
    this.writeGateStep('policy_gate.schema_validate', trace, gateId, schemaStart, schemaEnd);
    this.writeGateStep('policy_gate.opa_evaluate', trace, gateId, opaStart, opaEnd);
    const hardDeny = !allowed && rng.chance(0.5);
    const denial = hardDeny ? 'Hard blocked by security policy' : 'Tool call denied by policy';
    this.writeSpan(
      'policy_gate.evaluate',
      trace,
      adapterId,
      'INTERNAL',
      gateStart,
      gateEnd,
      {
        'kitelogik.action': action,
        'kitelogik.tool_name': tool,
        'kitelogik.session_id': trace.sessionId,
        'kitelogik.user_role': role,
        'kitelogik.policy.allow': allowed,
        'kitelogik.policy.deny': hardDeny,
        'kitelogik.policy.requires_hitl': !allowed && !hardDeny,
        'kitelogik.policy.risk_tier': tier,
        'kitelogik.policy.reason': allowed ? `Permitted for role ${role}` : `Not permitted for role ${role}`,
      },
      allowed ? { spanId: gateId } : { spanId: gateId, status: 'ERROR', statusDescription: denial },
    );
    let adapterEnd = gateEnd + rng.int(40, 150);
    if (allowed) {
      const toolEnd = this.writeToolSpan(tool, trace, adapterId, gateEnd + rng.int(50, 200));
      const sanStart = toolEnd + rng.int(20, 80);
      const sanEnd = sanStart + rng.int(60, 1500);
      this.writeGateStep('policy_gate.sanitize_response', trace, adapterId, sanStart, sanEnd, {
        'kitelogik.sanitizer.was_modified': false,
        'kitelogik.sanitizer.patterns_found': '',
      });
      adapterEnd = sanEnd + rng.int(30, 120);
    }
    const attributes = { 'kitelogik.tool.name': tool, 'kitelogik.tool.action': action, 'kitelogik.session_id': trace.sessionId, 'kitelogik.allowed': allowed };
    this.writeSpan('kitelogik.adapter.tool_call', trace, parentId, 'INTERNAL', adapterStart, adapterEnd, attributes, { spanId: adapterId });
    return adapterEnd;
  }

  /**
   * Writes ONE trace of exactly `spanCount` spans: an `agent_session` root, `agent.turn`
   * children (6..40 spans each), and under each turn model calls, tool calls through the
   * policy gate (adapter > gate > schema/OPA, tool, sanitizer) and now and then a delegated
   * `invoke_agent` sub-agent with its own model and tool calls (root > turn > sub-agent >
   * adapter > gate > schema: depth 5). Children are written before their parents, in end order.
   * With `subtree`, the root's first child is instead one sub-agent named `subtree.name` holding
   * exactly `subtree.descendants` spans (turns of its own, one level deeper), and the root's
   * turns fill the rest; without it the output is what it always was.
   */
  writeLongTrace(
    sessionId: string,
    spanCount: number,
    startUs: number,
    subtree?: { name: string; descendants: number },
  ): { traceId: string; maxDepth: number; subtree: LongTraceSubtree | null } {
    const rng = this.rng;
    const traceId = rng.hex(32);
    const rootId = rng.hex(16);
    const trace: TraceContext = { traceId, sessionId, role: rng.pick(ROLES), model: rng.pick(MODELS) };
    let clock = startUs + rng.int(300, 2500);
    let remaining = spanCount - 1;
    let maxDepth = 0;
    let subtreeInfo: LongTraceSubtree | null = null;
    if (subtree) {
      // One delegated sub-agent, the root's first child, holding exactly `subtree.descendants`
      // spans in turns of its own (one level deeper than the root's turns).
      const agentId = rng.hex(16);
      const agentStart = clock + rng.int(200, 1500);
      const inner = this.writeTurns(trace, agentId, subtree.descendants, agentStart, 2);
      maxDepth = Math.max(maxDepth, inner.maxDepth);
      const agentEnd = inner.endUs + rng.int(100, 900);
      this.writeAgent(subtree.name, trace, rootId, agentId, agentStart, agentEnd);
      subtreeInfo = { name: subtree.name, spanId: agentId, descendants: subtree.descendants, turns: inner.turns };
      clock = agentEnd + rng.int(1_000_000, 30_000_000);
      remaining -= 1 + subtree.descendants;
    }
    const outer = this.writeTurns(trace, rootId, remaining, clock, 1);
    maxDepth = Math.max(maxDepth, outer.maxDepth);
    this.writeSessionRoot(trace, rootId, startUs, outer.endUs, outer.turns);
    return { traceId, maxDepth, subtree: subtreeInfo };
  }

  /**
   * Writes exactly `budget` spans under `parentId` as `agent.turn` spans (6..40 spans each, the
   * turn included) at `turnDepth`, starting after `clock`; a single span left over becomes a last
   * model call. Returns the clock after the last turn (with the pause that follows a turn), the
   * number of turns and the deepest level written.
   */
  private writeTurns(trace: TraceContext, parentId: string, budget: number, clock: number, turnDepth: number): { endUs: number; turns: number; maxDepth: number } {
    const rng = this.rng;
    let remaining = budget;
    let turns = 0;
    let maxDepth = 0;
    while (remaining > 0) {
      if (remaining === 1) {
        // Not enough left for a turn (itself + one call): a last model call under the parent.
        clock = this.writeLlmCall(trace, parentId, this.question(), turns + 1, clock).endUs;
        maxDepth = Math.max(maxDepth, turnDepth);
        remaining = 0;
        break;
      }
      turns++;
      const size = Math.min(remaining, rng.int(6, 40));
      const turnId = rng.hex(16);
      const turnStart = clock + rng.int(200, 1500);
      const filled = this.fillAgentWork(trace, turnId, size - 1, turnStart, turnDepth + 1, true);
      maxDepth = Math.max(maxDepth, filled.maxDepth);
      const turnEnd = filled.endUs + rng.int(100, 900);
      const attributes = { 'kitelogik.session_id': trace.sessionId, 'kitelogik.iteration': turns, 'kitelogik.user_role': trace.role };
      this.writeSpan('agent.turn', trace, parentId, 'INTERNAL', turnStart, turnEnd, attributes, { spanId: turnId });
      clock = turnEnd + rng.int(1_000_000, 30_000_000);
      remaining -= size;
    }
    return { endUs: clock, turns, maxDepth };
  }

  /** The user's question: a transcript of one message. */
  private question(): string {
    return `[{"role": "user", "parts": [{"type": "text", "content": "${this.rng.pick(QUESTIONS)}"}]}]`;
  }

  /**
   * Writes exactly `budget` spans of agent work under `parentId` (whose children sit at
   * `depth`): model calls, each followed by up to two tool calls, and, when `canDelegate`,
   * sometimes a sub-agent. Returns the end of the last span and the deepest level written.
   */
  private fillAgentWork(
    trace: TraceContext,
    parentId: string,
    budget: number,
    clock: number,
    depth: number,
    canDelegate: boolean,
  ): { endUs: number; maxDepth: number } {
    const rng = this.rng;
    let transcript = this.question();
    let iteration = 0;
    let maxDepth = depth;
    while (budget > 0) {
      iteration++;
      const step = this.writeStep(trace, parentId, transcript, iteration, clock, budget, 0);
      ({ transcript, clock, budget } = step);
      if (step.toolCalls > 0) maxDepth = Math.max(maxDepth, depth + 2);
      if (canDelegate && budget >= 8 && rng.chance(0.2)) {
        const size = rng.int(7, Math.min(budget, 24));
        const agentId = rng.hex(16);
        const agentStart = clock + rng.int(200, 900);
        const sub = this.fillAgentWork({ ...trace, role: 'billing_specialist' }, agentId, size - 1, agentStart, depth + 1, false);
        maxDepth = Math.max(maxDepth, sub.maxDepth);
        const agentEnd = sub.endUs + rng.int(100, 600);
        this.writeAgent('invoke_agent billing_specialist', trace, parentId, agentId, agentStart, agentEnd);
        clock = agentEnd;
        budget -= size;
      }
    }
    return { endUs: clock, maxDepth };
  }

  /**
   * Writes `count` sessions of one small trace each (1-3 spans: the root, then a model call
   * with probability 2/3 and after it a tool call with probability 1/2), one after the other.
   */
  writeSmallSessions(count: number, startUs: number): { oldestSessionId: string; newestSessionId: string } {
    const rng = this.rng;
    const seen = new Set<string>();
    let clock = startUs;
    let oldestSessionId = '';
    let newestSessionId = '';
    for (let i = 0; i < count; i++) {
      let sessionId = `sess_${rng.hex(12)}`;
      while (seen.has(sessionId)) sessionId = `sess_${rng.hex(12)}`;
      seen.add(sessionId);
      if (i === 0) oldestSessionId = sessionId;
      newestSessionId = sessionId;
      const trace: TraceContext = { sessionId, role: rng.pick(ROLES), model: rng.pick(MODELS), traceId: rng.hex(32) };
      const rootId = rng.hex(16);
      let end = clock + rng.int(300, 2500);
      let iteration = 0;
      if (rng.chance(2 / 3)) {
        iteration++;
        end = this.writeLlmCall(trace, rootId, this.question(), iteration, end).endUs;
        if (rng.chance(0.5)) {
          const [tool] = rng.pick(TOOLS);
          end = this.writeToolSpan(tool, trace, rootId, end + rng.int(50, 400));
        }
      }
      clock = this.writeSessionRoot(trace, rootId, clock, end, iteration) + rng.int(1_000_000, 20_000_000);
    }
    return { oldestSessionId, newestSessionId };
  }

  /** Writes sessions of 1-3 traces until at least `sizeBytes` are written. */
  run(sizeBytes: number): { traces: number; sessions: number } {
    const rng = this.rng;
    let traces = 0;
    let sessions = 0;
    let clock = BASE_US;
    while (this.bytes < sizeBytes) {
      sessions++;
      const sessionId = `sess_${rng.hex(12)}`;
      const role = rng.pick(ROLES);
      const model = rng.pick(MODELS);
      const traceCount = rng.int(1, 3);
      let start = clock;
      for (let t = 0; t < traceCount && this.bytes < sizeBytes; t++) {
        const end = this.writeTrace(sessionId, role, model, rng.int(5, 60), start);
        traces++;
        clock = end;
        start = end + rng.int(5_000_000, 60_000_000);
      }
      // Sessions follow each other, so the whole file is in end-time order like a live export.
      clock += rng.int(2_000_000, 20_000_000);
    }
    return { traces, sessions };
  }
}

/** Opens `path` for a TraceWriter, runs `write` with it, then flushes the writer and closes the file. */
function withTraceWriter<R>(path: string, seed: number, form: 'compact' | 'pretty', write: (writer: TraceWriter) => R): R {
  const fd = openSync(path, 'w');
  try {
    const writer = new TraceWriter(fd, seed, form);
    const result = write(writer);
    writer.flush();
    return result;
  } finally {
    closeSync(fd);
  }
}

/** Writes the file and reports what it holds (spans, traces, sessions, bytes, token sums). */
export function generateOtelFile(options: GenerateOtelOptions): GenerateOtelResult {
  return withTraceWriter(options.path, options.seed, options.form, (writer) => {
    const { traces, sessions } = writer.run(options.sizeBytes);
    return writer.result(traces, sessions);
  });
}

/**
 * Writes a file holding ONE session with ONE trace of exactly `spans` spans (for the
 * waterfall benchmark: a long-running agent's realistic tree, depth up to 5 below the root).
 */
export function generateOtelTraceFile(options: GenerateOtelTraceOptions): GenerateOtelTraceResult {
  if (!Number.isInteger(options.spans) || options.spans < 1) throw new Error(`spans must be a positive integer, not ${options.spans}`);
  return withTraceWriter(options.path, options.seed, options.form, (writer) => {
    const sessionId = `sess_${new Prng(options.seed ^ 0x5eed).hex(12)}`;
    const subtree = options.subtreeSpans === undefined ? undefined : { name: SUBTREE_SPAN_NAME, descendants: options.subtreeSpans };
    const { traceId, maxDepth, subtree: subtreeInfo } = writer.writeLongTrace(sessionId, options.spans, BASE_US, subtree);
    return { ...writer.result(1, 1), sessionId, traceId, maxDepth, ...(subtreeInfo ? { subtree: subtreeInfo } : {}) };
  });
}

/**
 * Writes a file of exactly `sessions` small sessions (the sessions table benchmark): each one
 * trace of 1-3 spans (an `agent_session` root, then maybe a model call and a tool call under
 * it), sessions one after the other in time, every session id distinct.
 */
export function generateOtelSessionsFile(options: GenerateOtelSessionsOptions): GenerateOtelSessionsResult {
  if (!Number.isInteger(options.sessions) || options.sessions < 1) throw new Error(`sessions must be a positive integer, not ${options.sessions}`);
  return withTraceWriter(options.path, options.seed, options.form ?? 'compact', (writer) => {
    const { oldestSessionId, newestSessionId } = writer.writeSmallSessions(options.sessions, BASE_US);
    return { ...writer.result(options.sessions, options.sessions), newestSessionId, oldestSessionId };
  });
}
