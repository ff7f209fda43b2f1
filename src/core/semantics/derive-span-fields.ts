/**
 * Reads the fields lists and waterfalls need (span type, model, provider, tokens, cost,
 * session, policy decision, grade score) through every attribute convention in use —
 * OpenInference, OTel GenAI (old and new names), Traceloop, the Vercel AI SDK, MLflow,
 * Langfuse observation types, kitelogik (spans and audit rows), kavalai store rows and
 * Caribou-style typed spans — and records for each the key it came from (FORMATS.md §4, §5.3,
 * §5.4, §5.5, §7, §9, §10). First key present wins.
 *
 * Tokens and cost are read on every span, but only `llm` spans count towards totals, so the
 * span type is what keeps wrappers from double counting: Vercel `ai.generateText` (which
 * repeats its `…doGenerate`'s usage), Traceloop workflows and tasks, agent and chain spans
 * are never `llm`. Grader LLM calls are `llm` but flagged `isGraderCall` (evaluation cost,
 * not agent usage).
 */
import { textOf, type Attributes, type AttributeValue } from '../../shared/model/attribute-value';
import type { Decision, SpanType } from '../../shared/model/span-type';
import type { DerivedField } from '../../shared/contract/wire-types';
import { classifyTypedRecord, hasTypedRunFields, SYNTHESIZED_ATTRIBUTE, TYPED_RECORD_KEYS, type TypedRecordType } from './classify-typed-record';
import { ownEntry } from '../../shared/model/own-entry';

/** The convention a span's type was read from (FORMATS.md §10 `semantic.family`). */
export type RunStatus = 'completed' | 'truncated' | 'error';

export type SemanticFamily = 'openinference' | 'genai' | 'traceloop' | 'vercel' | 'mlflow' | 'langfuse' | 'kitelogik' | 'kavalai' | 'kitaru' | 'typed-agent';

export interface SpanFields {
  spanType: SpanType;
  model: string | null;
  provider: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  costUsd: number | null;
  sessionKey: string | null;
  decision: Decision | null;
  riskTier: string | null;
  decisionReason: string | null;
  /** A policy verdict (a gate's ERROR status is a decision, not a crash). */
  isVerdict: boolean;
  /** A typed run's outcome: ERROR > TRUNCATED > COMPLETED when a trace has several (FORMATS.md §9). */
  runStatus: RunStatus | null;
  /** Searchable tags: a typed run's `tags`, OpenInference `tag.tags`. */
  tags: string[] | null;
  /** A typed run's `meta` dict (searchable; a trace merges its runs', the latest run winning per key). */
  meta: Attributes | null;
  /** A typed criterion span: read from the source, or synthesised from its Grade's `criteria`. */
  criterion: 'real' | 'synthesized' | null;
  /** A grade's score, 0..1 by convention (typed Grade/criterion, GenAI evaluation). */
  score: number | null;
  /** The convention the span type came from; null when no convention matched. */
  family: SemanticFamily | null;
  /** An LLM call made by a grader: evaluation cost, to be reported apart from agent usage. */
  isGraderCall: boolean;
  /** The attribute key the session came from. */
  sessionKeySource: string | null;
  /** Which key each field came from; empty from deriveIndexFields. */
  provenance: DerivedField[];
}

const OPENINFERENCE_KINDS: Record<string, SpanType> = {
  LLM: 'llm',
  EMBEDDING: 'embedding',
  CHAIN: 'chain',
  RETRIEVER: 'retriever',
  RERANKER: 'retriever',
  TOOL: 'tool',
  AGENT: 'agent',
  GUARDRAIL: 'policy',
  EVALUATOR: 'grader',
  PROMPT: 'chain',
  UNKNOWN: 'unknown',
};

const GENAI_OPERATIONS: Record<string, SpanType> = {
  chat: 'llm',
  text_completion: 'llm',
  generate_content: 'llm',
  execute_tool: 'tool',
  invoke_agent: 'agent',
  create_agent: 'agent',
  embeddings: 'embedding',
  retrieval: 'retriever',
  invoke_workflow: 'chain',
};

const TRACELOOP_KINDS: Record<string, SpanType> = {
  workflow: 'chain',
  task: 'chain',
  agent: 'agent',
  tool: 'tool',
  unknown: 'unknown',
};

const MLFLOW_TYPES: Record<string, SpanType> = {
  LLM: 'llm',
  CHAT_MODEL: 'llm',
  CHAIN: 'chain',
  AGENT: 'agent',
  TOOL: 'tool',
  RETRIEVER: 'retriever',
  EMBEDDING: 'embedding',
  RERANKER: 'retriever',
  PARSER: 'chain',
  // A newer MLflow type (judge spans); the store reader gives assessments this type too.
  EVALUATOR: 'grader',
  UNKNOWN: 'unknown',
};

/** Vercel AI SDK `ai.operationId`: the `do*` spans are the provider calls, the rest wrap them. */
const VERCEL_OPERATIONS: Record<string, SpanType> = {
  'ai.generateText': 'chain',
  'ai.streamText': 'chain',
  'ai.generateObject': 'chain',
  'ai.streamObject': 'chain',
  'ai.generateText.doGenerate': 'llm',
  'ai.streamText.doStream': 'llm',
  'ai.generateObject.doGenerate': 'llm',
  'ai.streamObject.doStream': 'llm',
  'ai.toolCall': 'tool',
  'ai.embed': 'chain',
  'ai.embedMany': 'chain',
  'ai.embed.doEmbed': 'embedding',
  'ai.embedMany.doEmbed': 'embedding',
};

/**
 * Langfuse `langfuse.observation.type` (the export's `type`, upper-case; the SDK's OTel spans
 * write it lower-case). SPAN is any unit of work, so it is not here: it names no type, and the
 * rules after it may still find one.
 */
const LANGFUSE_TYPES: Record<string, SpanType> = {
  GENERATION: 'llm',
  EMBEDDING: 'embedding',
  AGENT: 'agent',
  TOOL: 'tool',
  CHAIN: 'chain',
  RETRIEVER: 'retriever',
  EVALUATOR: 'grader',
  GUARDRAIL: 'policy',
  EVENT: 'event',
};

/**
 * kavalai task `node_type` (FORMATS.md §5.5): workflow plumbing (start, end, if, switch,
 * parallel, and types added later) is `node`; an agent's tool calls and function nodes are tools.
 */
const KAVALAI_NODE_TYPES: Record<string, SpanType> = {
  llm: 'llm',
  agent: 'agent',
  function: 'tool',
  tool_call: 'tool',
  rag_query: 'retriever',
};

/** kitelogik `audit_log.outcome` → the decision it records (FORMATS.md §7), for rows whose decision JSON is unreadable. */
const AUDIT_OUTCOME_DECISIONS: Readonly<Record<string, Decision>> = {
  allowed: 'allow',
  blocked: 'deny',
  soft_denied: 'soft-deny',
  hitl_queued: 'hitl',
  hitl_approved: 'hitl',
  hitl_denied: 'hitl',
  hitl_timeout: 'hitl',
};

/** The decision an audit row's outcome records, or null for an outcome that records none. */
export function auditOutcomeDecision(outcome: string): Decision | null {
  return ownEntry(AUDIT_OUTCOME_DECISIONS, outcome) ?? null;
}

/** kavalai store spans (`kavalai.kind` run | task | model_call, set by the kavalai store readers). */
function kavalaiSpanType(kind: string, attributes: Attributes): [SpanType, string] | null {
  if (kind === 'run') return ['agent', 'kavalai.kind'];
  if (kind === 'task') {
    const nodeType = attributes['kavalai.node_type'];
    return typeof nodeType === 'string' ? [ownEntry(KAVALAI_NODE_TYPES, nodeType) ?? 'node', 'kavalai.node_type'] : ['node', 'kavalai.kind'];
  }
  if (kind === 'model_call') {
    const callType = attributes['kavalai.call_type'];
    return typeof callType === 'string' ? [callType === 'embedding' ? 'embedding' : 'llm', 'kavalai.call_type'] : ['llm', 'kavalai.kind'];
  }
  return null;
}

/** Traceloop `llm.request.type` on the provider-call spans (which carry no `traceloop.span.kind`). */
const TRACELOOP_REQUEST_TYPES: Record<string, SpanType> = {
  chat: 'llm',
  completion: 'llm',
  embedding: 'embedding',
  rerank: 'retriever',
};

/** Kitaru `kitaru.log()` metadata as the store reader flattens it (FORMATS.md §8): namespaced, so ranked last. */
const KITARU_INPUT_TOKEN_KEYS = ['in', 'input', 'input_tokens', 'prompt', 'prompt_tokens'].map((key) => `kitaru.metadata.tokens.${key}`);
const KITARU_OUTPUT_TOKEN_KEYS = ['out', 'output', 'output_tokens', 'completion', 'completion_tokens'].map((key) => `kitaru.metadata.tokens.${key}`);
/** A Kitaru checkpoint that logged any of these made the model call itself. */
const KITARU_USAGE_KEYS = ['kitaru.metadata.model', ...KITARU_INPUT_TOKEN_KEYS, ...KITARU_OUTPUT_TOKEN_KEYS];

const MODEL_KEYS = [
  'gen_ai.request.model',
  'gen_ai.response.model',
  'llm.model_name',
  'llm.request.model_name',
  'llm.response.model_name',
  'ai.model.id',
  'mlflow.llm.model',
  'kavalai.model_name',
  'kitaru.metadata.model',
];
const PROVIDER_KEYS = ['gen_ai.provider.name', 'gen_ai.system', 'llm.provider', 'llm.system', 'ai.model.provider', 'mlflow.llm.provider', 'kavalai.provider'];
const INPUT_TOKEN_KEYS = [
  'llm.token_count.prompt',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.prompt_tokens',
  'ai.usage.promptTokens',
  'ai.usage.inputTokens',
  'mlflow.chat.tokenUsage.input_tokens',
  'kavalai.prompt_tokens',
  ...KITARU_INPUT_TOKEN_KEYS,
  'input_tokens',
];
const OUTPUT_TOKEN_KEYS = [
  'llm.token_count.completion',
  'gen_ai.usage.output_tokens',
  'gen_ai.usage.completion_tokens',
  'ai.usage.completionTokens',
  'ai.usage.outputTokens',
  'mlflow.chat.tokenUsage.output_tokens',
  'kavalai.completion_tokens',
  ...KITARU_OUTPUT_TOKEN_KEYS,
  'output_tokens',
];
const COST_KEYS = ['llm.cost.total', 'gen_ai.usage.cost', 'mlflow.llm.cost.total_cost', 'kitaru.metadata.cost', 'kitaru.metadata.cost.total', 'kitaru.metadata.cost_usd', 'cost_usd'];
const SESSION_KEYS = [
  'session.id',
  'kitelogik.session_id',
  'gen_ai.conversation.id',
  'traceloop.association.properties.session_id',
  'ai.telemetry.metadata.sessionId',
  'kavalai.session_id',
];
const SCORE_KEYS = ['gen_ai.evaluation.score.value'];

/** Bare typed-span names, read only on typed spans (elsewhere `model` or `score` mean other things). */
const TYPED_MODEL_KEYS = ['model', 'model_name'];
const TYPED_PROVIDER_KEYS = ['provider'];
const TYPED_SESSION_KEYS = ['datapoint_id'];
const TYPED_SCORE_KEYS = ['score'];
const TYPED_ONLY_KEYS = new Set(['input_tokens', 'output_tokens', 'cost_usd']);

/**
 * Keys whose value may sit inside an object (or JSON-object text) under their parent key:
 * MLflow's `mlflow.chat.tokenUsage` holds `{input_tokens, …}`, `mlflow.llm.cost` `{total_cost}`.
 */
const NESTED_PARENTS = new Set(['mlflow.chat.tokenUsage', 'mlflow.llm.cost']);

function lookupNested(attributes: Attributes, key: string): AttributeValue | undefined {
  const dot = key.lastIndexOf('.');
  let parent = attributes[key.slice(0, dot)];
  if (typeof parent === 'string' && parent.startsWith('{')) {
    try {
      parent = JSON.parse(parent) as AttributeValue;
    } catch {
      return undefined;
    }
  }
  return parent !== null && typeof parent === 'object' && !Array.isArray(parent) ? parent[key.slice(dot + 1)] : undefined;
}

const isUsable = (value: AttributeValue | undefined): value is AttributeValue => value !== undefined && value !== null && value !== '';

/** The fields read by key lists, in the order their provenance is recorded. */
const PICKED_FIELDS = ['model', 'provider', 'inputTokens', 'outputTokens', 'costUsd', 'session', 'riskTier', 'decisionReason', 'score'] as const;
type PickedField = (typeof PICKED_FIELDS)[number];
const FIELD_COUNT = PICKED_FIELDS.length;
const NOT_FOUND = 0x7fffffff;

/**
 * Every field's candidate keys, best first, compiled once into one key -> (field, rank) map,
 * so a span's attributes are walked once for all fields instead of once per field. Keys that
 * may be nested (MLflow's JSON objects) are looked up apart, only when their parent exists.
 */
class FieldPicker {
  /** key -> [field, rank, field, rank, ...] */
  private readonly hits = new Map<string, number[]>();
  /** [field, key, parent key, rank] of keys that may be nested. */
  private readonly nested: [number, string, string, number][] = [];
  private readonly bestRank = new Int32Array(FIELD_COUNT);
  private readonly bestKey: string[] = new Array<string>(FIELD_COUNT).fill('');
  private readonly bestValue: AttributeValue[] = new Array<AttributeValue>(FIELD_COUNT).fill(null);

  constructor(lists: Record<PickedField, readonly string[]>) {
    PICKED_FIELDS.forEach((field, fieldIndex) => {
      lists[field].forEach((key, rank) => {
        const parent = key.slice(0, key.lastIndexOf('.'));
        if (NESTED_PARENTS.has(parent)) {
          this.nested.push([fieldIndex, key, parent, rank]);
          return;
        }
        let entry = this.hits.get(key);
        if (!entry) this.hits.set(key, (entry = []));
        entry.push(fieldIndex, rank);
      });
    });
  }

  /** Picks every field's best-ranked key with a usable value; read them with keyOf/valueOf. */
  pick(attributes: Attributes): this {
    const { bestRank, bestKey, bestValue, hits } = this;
    bestRank.fill(NOT_FOUND);
    for (const key in attributes) {
      const entry = hits.get(key);
      if (entry === undefined) continue;
      const value = attributes[key];
      if (!isUsable(value)) continue;
      for (let i = 0; i < entry.length; i += 2) {
        const field = entry[i];
        if (entry[i + 1] < bestRank[field]) {
          bestRank[field] = entry[i + 1];
          bestKey[field] = key;
          bestValue[field] = value;
        }
      }
    }
    for (const [field, key, parent, rank] of this.nested) {
      if (rank >= bestRank[field] || attributes[parent] === undefined) continue;
      const value = lookupNested(attributes, key);
      if (!isUsable(value)) continue;
      bestRank[field] = rank;
      bestKey[field] = key;
      bestValue[field] = value;
    }
    return this;
  }

  /** The key the last pick chose for a field, or null when none had a usable value. */
  keyOf(field: number): string | null {
    return this.bestRank[field] === NOT_FOUND ? null : this.bestKey[field];
  }

  valueOf(field: number): AttributeValue {
    return this.bestValue[field];
  }
}

const withoutTypedOnly = (keys: readonly string[]) => keys.filter((key) => !TYPED_ONLY_KEYS.has(key));
const commonLists = { riskTier: ['kitelogik.policy.risk_tier'], decisionReason: ['kitelogik.policy.reason'] };
/** Spans of a convention: typed-only bare names (`model`, `input_tokens` …) mean nothing there. */
const PLAIN = new FieldPicker({
  model: withoutTypedOnly(MODEL_KEYS),
  provider: withoutTypedOnly(PROVIDER_KEYS),
  inputTokens: withoutTypedOnly(INPUT_TOKEN_KEYS),
  outputTokens: withoutTypedOnly(OUTPUT_TOKEN_KEYS),
  costUsd: withoutTypedOnly(COST_KEYS),
  session: withoutTypedOnly(SESSION_KEYS),
  score: SCORE_KEYS,
  ...commonLists,
});
const typedLists = {
  model: [...MODEL_KEYS, ...TYPED_MODEL_KEYS],
  provider: [...PROVIDER_KEYS, ...TYPED_PROVIDER_KEYS],
  inputTokens: INPUT_TOKEN_KEYS,
  outputTokens: OUTPUT_TOKEN_KEYS,
  costUsd: COST_KEYS,
  session: [...SESSION_KEYS, ...TYPED_SESSION_KEYS],
  ...commonLists,
};
/** Caribou-style typed spans, and their Grade and criterion records (whose bare `score` is the grade). */
const TYPED = new FieldPicker({ ...typedLists, score: SCORE_KEYS });
const TYPED_GRADE = new FieldPicker({ ...typedLists, score: [...SCORE_KEYS, ...TYPED_SCORE_KEYS] });
/**
 * Every attribute key deriveSpanFields reads, whatever the span. A reader that hands derivation
 * only these (the native record scanner) derives the same fields; a test over every fixture
 * checks that derivation reads nothing else. Add a key here whenever derivation reads a new one.
 */
export const DERIVE_ATTRIBUTE_KEYS: readonly string[] = [
  ...new Set([
    ...typedLists.model,
    ...typedLists.provider,
    ...typedLists.inputTokens,
    ...typedLists.outputTokens,
    ...typedLists.costUsd,
    ...typedLists.session,
    ...commonLists.riskTier,
    ...commonLists.decisionReason,
    ...SCORE_KEYS,
    ...TYPED_SCORE_KEYS,
    ...NESTED_PARENTS,
    ...KITARU_USAGE_KEYS,
    ...TYPED_RECORD_KEYS,
    'openinference.span.kind',
    'gen_ai.operation.name',
    'traceloop.span.kind',
    'mlflow.spanType',
    'ai.operationId',
    'langfuse.observation.type',
    'kavalai.kind',
    'kavalai.node_type',
    'kavalai.call_type',
    'kitelogik.audit.outcome',
    'kitaru.span.kind',
    'llm.request.type',
    'kitelogik.policy.allow',
    'kitelogik.policy.deny',
    'kitelogik.policy.requires_hitl',
    'kitelogik.allowed',
    'grader_name',
    'status',
    'tags',
    'tag.tags',
    'langfuse.trace.tags',
    'meta',
    SYNTHESIZED_ATTRIBUTE,
  ]),
];
const FIELD = Object.fromEntries(PICKED_FIELDS.map((field, i) => [field, i])) as Record<PickedField, number>;

function asNumber(value: AttributeValue): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

function asBool(value: AttributeValue | undefined): boolean | null {
  if (value === true || value === 'true' || value === 'True') return true;
  if (value === false || value === 'false' || value === 'False') return false;
  return null;
}

/** mlflow.spanType is double-encoded JSON ("\"LLM\""). */
function decodeMaybeJsonString(value: AttributeValue): string {
  if (typeof value !== 'string') return textOf(value);
  if (value.startsWith('"')) {
    try {
      return textOf(JSON.parse(value));
    } catch {
      return value;
    }
  }
  return value;
}

/** Whether the span is a Caribou-style typed record, and which. */
function readTypedRecord(name: string, attributes: Attributes): TypedRecordType | null {
  const isTyped =
    typeof attributes.span_kind === 'string' ||
    typeof attributes.span_name === 'string' ||
    ((name === 'trace_run' || name === 'run') && hasTypedRunFields(attributes));
  return isTyped ? classifyTypedRecord(attributes, name !== 'trace_run') : null;
}

function typedSpanType(type: TypedRecordType, attributes: Attributes): [SpanType, string] {
  switch (type) {
    case 'message': {
      if (attributes.grader_name !== undefined && attributes.grader_name !== null) return ['llm', 'grader_name'];
      return attributes.role === 'assistant' ? ['llm', 'role'] : ['message', 'role'];
    }
    case 'tool':
      return ['tool', 'span_kind tool'];
    case 'grade':
      return ['grader', 'span_kind grader'];
    case 'criterion':
      return ['grader', 'span_kind grader.criterion'];
    case 'event':
      return ['event', 'span_kind event'];
    case 'run':
      return ['agent', 'span_kind trace_run'];
    default:
      return ['unknown', 'span_kind'];
  }
}

function deriveSpanType(
  name: string,
  attributes: Attributes,
  typed: TypedRecordType | null,
  provenance: DerivedField[] | null,
): { spanType: SpanType; family: SemanticFamily | null } {
  const note = (spanType: SpanType, fromKey: string, family: SemanticFamily | null) => {
    provenance?.push({ field: 'spanType', value: spanType, fromKey });
    return { spanType, family };
  };
  const oi = attributes['openinference.span.kind'];
  const oiType = typeof oi === 'string' ? ownEntry(OPENINFERENCE_KINDS, oi.toUpperCase()) : undefined;
  if (oiType) return note(oiType, 'openinference.span.kind', 'openinference');
  const op = attributes['gen_ai.operation.name'];
  const opType = typeof op === 'string' ? ownEntry(GENAI_OPERATIONS, op) : undefined;
  if (opType) return note(opType, 'gen_ai.operation.name', 'genai');
  const tl = attributes['traceloop.span.kind'];
  const tlType = typeof tl === 'string' ? ownEntry(TRACELOOP_KINDS, tl) : undefined;
  if (tlType) return note(tlType, 'traceloop.span.kind', 'traceloop');
  const ml = attributes['mlflow.spanType'];
  if (ml !== undefined && ml !== null) {
    const decoded = decodeMaybeJsonString(ml).toUpperCase();
    const mlType = ownEntry(MLFLOW_TYPES, decoded);
    if (mlType) return note(mlType, 'mlflow.spanType', 'mlflow');
  }
  const vercel = attributes['ai.operationId'];
  const vercelType = typeof vercel === 'string' ? ownEntry(VERCEL_OPERATIONS, vercel) : undefined;
  if (vercelType) return note(vercelType, 'ai.operationId', 'vercel');
  const langfuse = attributes['langfuse.observation.type'];
  const langfuseType = typeof langfuse === 'string' ? langfuse.toUpperCase() : null;
  const langfuseSpanType = langfuseType !== null ? ownEntry(LANGFUSE_TYPES, langfuseType) : undefined;
  if (langfuseSpanType) return note(langfuseSpanType, 'langfuse.observation.type', 'langfuse');
  const kavalaiKind = attributes['kavalai.kind'];
  const kavalai = typeof kavalaiKind === 'string' ? kavalaiSpanType(kavalaiKind, attributes) : null;
  if (kavalai !== null) return note(kavalai[0], kavalai[1], 'kavalai');
  if (typed !== null) {
    const [spanType, fromKey] = typedSpanType(typed, attributes);
    return note(spanType, fromKey, 'typed-agent');
  }
  if (name.startsWith('policy_gate.')) return note('policy', 'span name policy_gate.*', 'kitelogik');
  if (name === 'kitelogik.adapter.tool_call') return note('tool', 'span name kitelogik.adapter.tool_call', 'kitelogik');
  if (name === 'agent_session') return note('agent', 'span name agent_session', 'kitelogik');
  if (typeof attributes['kitelogik.audit.outcome'] === 'string') return note('policy', 'kitelogik.audit.outcome', 'kitelogik');
  const kitaruKind = attributes['kitaru.span.kind'];
  if (kitaruKind === 'execution') return note('agent', 'kitaru.span.kind', 'kitaru');
  if (kitaruKind === 'checkpoint') {
    // Kitaru's `call_model` pattern: the checkpoint that logs a model or tokens is the LLM call.
    const usageKey = KITARU_USAGE_KEYS.find((key) => isUsable(attributes[key]));
    return usageKey ? note('llm', usageKey, 'kitaru') : note('checkpoint', 'kitaru.span.kind', 'kitaru');
  }
  const requestType = attributes['llm.request.type'];
  const requestSpanType = typeof requestType === 'string' ? ownEntry(TRACELOOP_REQUEST_TYPES, requestType) : undefined;
  if (requestSpanType) return note(requestSpanType, 'llm.request.type', 'traceloop');
  if (name.startsWith('invoke_agent')) return note('agent', 'span name invoke_agent', 'genai');
  if (name.startsWith('execute_tool')) return note('tool', 'span name execute_tool', 'genai');
  if (langfuseType === 'SPAN') return note('unknown', 'langfuse.observation.type', 'langfuse');
  return { spanType: 'unknown', family: null };
}

function deriveDecision(attributes: Attributes, provenance: DerivedField[] | null): Decision | null {
  const allow = asBool(attributes['kitelogik.policy.allow']);
  const deny = asBool(attributes['kitelogik.policy.deny']);
  if (allow === null && deny === null) {
    // An audit row whose decision JSON could not be read still records its outcome.
    const outcome = attributes['kitelogik.audit.outcome'];
    const fromOutcome = typeof outcome === 'string' ? auditOutcomeDecision(outcome) : null;
    if (fromOutcome !== null) provenance?.push({ field: 'decision', value: fromOutcome, fromKey: 'kitelogik.audit.outcome' });
    return fromOutcome;
  }
  const hitl = asBool(attributes['kitelogik.policy.requires_hitl']);
  let decision: Decision;
  let fromKey: string;
  if (deny === true) [decision, fromKey] = ['deny', 'kitelogik.policy.deny'];
  else if (allow === true) [decision, fromKey] = ['allow', 'kitelogik.policy.allow'];
  else if (hitl === true) [decision, fromKey] = ['hitl', 'kitelogik.policy.requires_hitl'];
  else [decision, fromKey] = ['soft-deny', 'kitelogik.policy.allow'];
  provenance?.push({ field: 'decision', value: decision, fromKey });
  return decision;
}

function readRunStatus(value: AttributeValue | undefined, provenance: DerivedField[] | null): RunStatus | null {
  const status = typeof value === 'string' ? value.toUpperCase() : '';
  const runStatus: RunStatus | null = status === 'ERROR' ? 'error' : status === 'TRUNCATED' ? 'truncated' : status === 'COMPLETED' || status === 'OK' ? 'completed' : null;
  if (runStatus) provenance?.push({ field: 'runStatus', value: runStatus, fromKey: 'status' });
  return runStatus;
}

function readTags(value: AttributeValue | undefined): string[] | null {
  const decoded = typeof value === 'string' && value.startsWith('[') ? (decodeJson(value) ?? value) : value;
  if (Array.isArray(decoded)) {
    const tags = decoded.filter((tag): tag is string | number => typeof tag === 'string' || typeof tag === 'number').map(String);
    return tags.length > 0 ? tags : null;
  }
  return typeof decoded === 'string' && decoded !== '' ? [decoded] : null;
}

/** A run's `meta`: a dict, or a dict as JSON text; anything else is no meta. */
function readMeta(value: AttributeValue | undefined): Attributes | null {
  const decoded = typeof value === 'string' && value.startsWith('{') ? decodeJson(value) : value;
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) return null;
  return Object.keys(decoded).length > 0 ? decoded : null;
}

function decodeJson(text: string): AttributeValue | null {
  try {
    return JSON.parse(text) as AttributeValue;
  } catch {
    return null;
  }
}

function readPickedText(picked: FieldPicker, field: PickedField, provenance: DerivedField[] | null): string | null {
  const key = picked.keyOf(FIELD[field]);
  if (key === null) return null;
  const raw = picked.valueOf(FIELD[field]);
  const value = typeof raw === 'string' ? raw : JSON.stringify(raw);
  provenance?.push({ field: field as DerivedField['field'], value, fromKey: key });
  return value;
}

/** A number field: null when its best key holds no number (later keys are not tried). */
function readPickedNumber(picked: FieldPicker, field: PickedField, provenance: DerivedField[] | null): number | null {
  const key = picked.keyOf(FIELD[field]);
  if (key === null) return null;
  const value = asNumber(picked.valueOf(FIELD[field]));
  if (value === null) return null;
  provenance?.push({ field: field as DerivedField['field'], value, fromKey: key });
  return value;
}

/** Derives list/waterfall fields from a span's name and attributes, with the key each came from. */
export function deriveSpanFields(name: string, attributes: Attributes): SpanFields {
  return derive(name, attributes, []);
}

/** Shared by every deriveIndexFields result: frozen, so nothing can add to it. */
const NO_PROVENANCE = Object.freeze([]) as unknown as DerivedField[];

/** The same fields without their provenance: what indexing needs, with nothing more allocated per span. */
export function deriveIndexFields(name: string, attributes: Attributes): SpanFields {
  return derive(name, attributes, null);
}

function derive(name: string, attributes: Attributes, provenance: DerivedField[] | null): SpanFields {
  const typed = readTypedRecord(name, attributes);
  const { spanType, family } = deriveSpanType(name, attributes, typed, provenance);
  // Bare names like `input_tokens` or `model` are typed-span fields, not a convention elsewhere.
  const isGradeRecord = typed === 'grade' || typed === 'criterion';
  const picked = (typed === null ? PLAIN : isGradeRecord ? TYPED_GRADE : TYPED).pick(attributes);
  const model = readPickedText(picked, 'model', provenance);
  const provider = readPickedText(picked, 'provider', provenance);
  const inputTokens = readPickedNumber(picked, 'inputTokens', provenance);
  const outputTokens = readPickedNumber(picked, 'outputTokens', provenance);
  const costUsd = readPickedNumber(picked, 'costUsd', provenance);
  const sessionKey = readPickedText(picked, 'session', provenance);
  const decision = deriveDecision(attributes, provenance);
  const riskTier = readPickedText(picked, 'riskTier', provenance);
  const decisionReason = readPickedText(picked, 'decisionReason', provenance);
  const isVerdict = decision !== null || asBool(attributes['kitelogik.allowed']) === false;
  const score = readPickedNumber(picked, 'score', provenance);
  const isGraderCall = typed === 'message' && attributes.grader_name !== undefined && attributes.grader_name !== null;

  const runStatus = typed === 'run' ? readRunStatus(attributes.status, provenance) : null;
  // Searchable tags: a typed run's, OpenInference's, a Langfuse trace's.
  const tags = readTags(typed === 'run' ? attributes.tags : (attributes['tag.tags'] ?? attributes['langfuse.trace.tags']));
  const meta = typed === 'run' ? readMeta(attributes.meta) : null;
  const criterion = typed === 'criterion' ? (attributes[SYNTHESIZED_ATTRIBUTE] === true ? 'synthesized' : 'real') : null;

  return {
    spanType,
    runStatus,
    tags,
    meta,
    criterion,
    model,
    provider,
    inputTokens,
    outputTokens,
    costUsd,
    sessionKey,
    decision,
    riskTier,
    decisionReason,
    isVerdict,
    score,
    family,
    isGraderCall,
    sessionKeySource: picked.keyOf(FIELD.session),
    provenance: provenance ?? NO_PROVENANCE,
  };
}
