/**
 * Reads the fields lists and waterfalls need (span type, model, provider, tokens, cost,
 * session, policy decision) through every attribute convention in use, and records for each
 * the key it came from (FORMATS.md §4, §7, §10). First key present wins.
 */
import type { Attributes, AttributeValue } from '../../shared/model/attribute-value';
import type { Decision, SpanType } from '../../shared/model/span-type';
import type { DerivedField } from '../../shared/contract/wire-types';

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
  UNKNOWN: 'unknown',
};

const MODEL_KEYS = ['gen_ai.request.model', 'gen_ai.response.model', 'llm.model_name', 'llm.request.model_name', 'llm.response.model_name', 'ai.model.id'];
const PROVIDER_KEYS = ['gen_ai.provider.name', 'gen_ai.system', 'llm.provider', 'llm.system', 'ai.model.provider'];
const INPUT_TOKEN_KEYS = ['llm.token_count.prompt', 'gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'ai.usage.promptTokens', 'input_tokens'];
const OUTPUT_TOKEN_KEYS = ['llm.token_count.completion', 'gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'ai.usage.completionTokens', 'output_tokens'];
const COST_KEYS = ['llm.cost.total', 'gen_ai.usage.cost', 'cost_usd'];
const SESSION_KEYS = ['session.id', 'kitelogik.session_id', 'gen_ai.conversation.id', 'traceloop.association.properties.session_id', 'ai.telemetry.metadata.sessionId'];

/** The first of `keys` present with a usable value. */
function pick(attributes: Attributes, keys: string[]): [string, AttributeValue] | null {
  for (const key of keys) {
    const value = attributes[key];
    if (value !== undefined && value !== null && value !== '') return [key, value];
  }
  return null;
}

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
  if (typeof value !== 'string') return String(value);
  if (value.startsWith('"')) {
    try {
      return String(JSON.parse(value));
    } catch {
      return value;
    }
  }
  return value;
}

function deriveSpanType(name: string, attributes: Attributes, provenance: DerivedField[]): SpanType {
  const note = (value: SpanType, fromKey: string): SpanType => {
    provenance.push({ field: 'spanType', value, fromKey });
    return value;
  };
  const oi = attributes['openinference.span.kind'];
  if (typeof oi === 'string' && OPENINFERENCE_KINDS[oi.toUpperCase()]) return note(OPENINFERENCE_KINDS[oi.toUpperCase()], 'openinference.span.kind');
  const op = attributes['gen_ai.operation.name'];
  if (typeof op === 'string' && GENAI_OPERATIONS[op]) return note(GENAI_OPERATIONS[op], 'gen_ai.operation.name');
  const tl = attributes['traceloop.span.kind'];
  if (typeof tl === 'string' && TRACELOOP_KINDS[tl]) return note(TRACELOOP_KINDS[tl], 'traceloop.span.kind');
  const ml = attributes['mlflow.spanType'];
  if (ml !== undefined && ml !== null) {
    const decoded = decodeMaybeJsonString(ml).toUpperCase();
    if (MLFLOW_TYPES[decoded]) return note(MLFLOW_TYPES[decoded], 'mlflow.spanType');
  }
  if (name.startsWith('policy_gate.')) return note('policy', 'span name policy_gate.*');
  if (name === 'kitelogik.adapter.tool_call') return note('tool', 'span name kitelogik.adapter.tool_call');
  if (name === 'agent_session' || name.startsWith('invoke_agent')) return note('agent', `span name ${name.split(' ')[0]}`);
  if (name.startsWith('execute_tool')) return note('tool', 'span name execute_tool');
  return 'unknown';
}

function deriveDecision(attributes: Attributes, provenance: DerivedField[]): Decision | null {
  const allow = asBool(attributes['kitelogik.policy.allow']);
  const deny = asBool(attributes['kitelogik.policy.deny']);
  if (allow === null && deny === null) return null;
  const hitl = asBool(attributes['kitelogik.policy.requires_hitl']);
  let decision: Decision;
  let fromKey: string;
  if (deny === true) [decision, fromKey] = ['deny', 'kitelogik.policy.deny'];
  else if (allow === true) [decision, fromKey] = ['allow', 'kitelogik.policy.allow'];
  else if (hitl === true) [decision, fromKey] = ['hitl', 'kitelogik.policy.requires_hitl'];
  else [decision, fromKey] = ['soft-deny', 'kitelogik.policy.allow'];
  provenance.push({ field: 'decision', value: decision, fromKey });
  return decision;
}

/** Derives list/waterfall fields from a span's name and attributes. */
export function deriveSpanFields(name: string, attributes: Attributes): SpanFields {
  const provenance: DerivedField[] = [];
  const spanType = deriveSpanType(name, attributes, provenance);

  const text = (field: DerivedField['field'], keys: string[]): string | null => {
    const hit = pick(attributes, keys);
    if (!hit) return null;
    const value = String(hit[1]);
    provenance.push({ field, value, fromKey: hit[0] });
    return value;
  };
  const number = (field: DerivedField['field'], keys: string[]): number | null => {
    const hit = pick(attributes, keys);
    if (!hit) return null;
    const value = asNumber(hit[1]);
    if (value === null) return null;
    provenance.push({ field, value, fromKey: hit[0] });
    return value;
  };

  const model = text('model', MODEL_KEYS);
  const provider = text('provider', PROVIDER_KEYS);
  const inputTokens = number('inputTokens', INPUT_TOKEN_KEYS);
  const outputTokens = number('outputTokens', OUTPUT_TOKEN_KEYS);
  const costUsd = number('costUsd', COST_KEYS);
  const sessionKey = text('session', SESSION_KEYS);
  const decision = deriveDecision(attributes, provenance);
  const riskTier = text('riskTier', ['kitelogik.policy.risk_tier']);
  const decisionReason = text('decisionReason', ['kitelogik.policy.reason']);
  const isVerdict = decision !== null || asBool(attributes['kitelogik.allowed']) === false;

  return { spanType, model, provider, inputTokens, outputTokens, costUsd, sessionKey, decision, riskTier, decisionReason, isVerdict, provenance };
}
