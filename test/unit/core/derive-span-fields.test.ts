import { describe, expect, it } from 'vitest';
import type { Attributes } from '../../../src/shared/model/attribute-value';
import { deriveSpanFields, type SpanFields } from '../../../src/core/semantics/derive-span-fields';

type Case = [string, string, Attributes, Partial<SpanFields>];

/** Checks the named fields only, plus the key each derived value came from. */
function check(name: string, spanName: string, attributes: Attributes, expected: Partial<SpanFields>, fromKeys: Record<string, string> = {}) {
  it(name, () => {
    const fields = deriveSpanFields(spanName, attributes);
    for (const [key, value] of Object.entries(expected)) expect(fields[key as keyof SpanFields], key).toEqual(value);
    for (const [field, fromKey] of Object.entries(fromKeys)) {
      expect(fields.provenance.find((p) => p.field === field)?.fromKey, field).toBe(fromKey);
    }
  });
}

describe('span type and family, first convention wins', () => {
  const cases: [...Case, string][] = [
    ['OpenInference LLM', 'ChatCompletion', { 'openinference.span.kind': 'LLM' }, { spanType: 'llm', family: 'openinference' }, 'openinference.span.kind'],
    ['OpenInference wins over gen_ai', 'x', { 'openinference.span.kind': 'CHAIN', 'gen_ai.operation.name': 'chat' }, { spanType: 'chain' }, 'openinference.span.kind'],
    ['gen_ai chat', 'chat gpt-4o', { 'gen_ai.operation.name': 'chat' }, { spanType: 'llm', family: 'genai' }, 'gen_ai.operation.name'],
    ['gen_ai invoke_agent', 'invoke_agent triage', { 'gen_ai.operation.name': 'invoke_agent' }, { spanType: 'agent' }, 'gen_ai.operation.name'],
    ['gen_ai execute_tool by name only', 'execute_tool lookup', {}, { spanType: 'tool', family: 'genai' }, 'span name execute_tool'],
    ['Traceloop workflow is a wrapper, not an LLM call', 'checkout.workflow', { 'traceloop.span.kind': 'workflow', 'gen_ai.usage.prompt_tokens': 10 }, { spanType: 'chain', family: 'traceloop' }, 'traceloop.span.kind'],
    ['Traceloop task is a wrapper', 'plan.task', { 'traceloop.span.kind': 'task' }, { spanType: 'chain' }, 'traceloop.span.kind'],
    ['Traceloop provider call via llm.request.type', 'openai.chat', { 'llm.request.type': 'chat', 'gen_ai.system': 'OpenAI' }, { spanType: 'llm', family: 'traceloop' }, 'llm.request.type'],
    ['MLflow double-encoded type', 'ChatOpenAI', { 'mlflow.spanType': '"CHAT_MODEL"' }, { spanType: 'llm', family: 'mlflow' }, 'mlflow.spanType'],
    ['MLflow decoded type (adapter already decoded)', 'retrieve', { 'mlflow.spanType': 'RETRIEVER' }, { spanType: 'retriever' }, 'mlflow.spanType'],
    ['Vercel generateText wraps doGenerate', 'ai.generateText', { 'ai.operationId': 'ai.generateText', 'ai.usage.promptTokens': 10 }, { spanType: 'chain', family: 'vercel' }, 'ai.operationId'],
    ['Vercel doGenerate is the LLM call', 'ai.generateText.doGenerate', { 'ai.operationId': 'ai.generateText.doGenerate' }, { spanType: 'llm' }, 'ai.operationId'],
    ['Vercel tool call', 'ai.toolCall', { 'ai.operationId': 'ai.toolCall' }, { spanType: 'tool' }, 'ai.operationId'],
    ['kitelogik gate', 'policy_gate.evaluate', {}, { spanType: 'policy', family: 'kitelogik' }, 'span name policy_gate.*'],
    ['kitelogik adapter', 'kitelogik.adapter.tool_call', {}, { spanType: 'tool' }, 'span name kitelogik.adapter.tool_call'],
    ['kitelogik agent session with a model is still an agent', 'agent_session', { 'gen_ai.request.model': 'gpt-4o' }, { spanType: 'agent', model: 'gpt-4o' }, 'span name agent_session'],
    ['typed assistant message', 'message.assistant', { span_kind: 'message', role: 'assistant' }, { spanType: 'llm', family: 'typed-agent', isGraderCall: false }, 'role'],
    ['typed user message', 'message.user', { span_name: 'message.user', role: 'user' }, { spanType: 'message' }, 'role'],
    ['typed system message', 'message.system', { span_kind: 'message', role: 'system' }, { spanType: 'message' }, 'role'],
    ['typed grader message is an LLM call, flagged', 'grader.helpfulness', { span_kind: 'grader.helpfulness', role: 'assistant', grader_name: 'helpfulness' }, { spanType: 'llm', isGraderCall: true }, 'grader_name'],
    ['typed tool execution', 'tool.lookup', { span_kind: 'tool', name: 'lookup' }, { spanType: 'tool' }, 'span_kind tool'],
    ['typed grade', 'grader.Rubric', { span_name: 'grader.Rubric', score: 0.5 }, { spanType: 'grader', score: 0.5 }, 'span_kind grader'],
    ['typed criterion', 'grader.criterion', { span_kind: 'grader.criterion', score: 1, passed: true }, { spanType: 'grader', score: 1 }, 'span_kind grader.criterion'],
    ['typed event', 'event.retry', { span_kind: 'event', details: {} }, { spanType: 'event' }, 'span_kind event'],
    ['typed run (adapter named it trace_run)', 'trace_run', { datapoint_id: 'dp-3', phase: 'eval' }, { spanType: 'agent', sessionKey: 'dp-3' }, 'span_kind trace_run'],
    ['typed record by fields only: call_id', 'tool.x', { span_name: 'custom', call_id: 'c1' }, { spanType: 'tool' }, 'span_kind tool'],
    ['Langfuse GENERATION', 'ChatOpenAI', { 'langfuse.observation.type': 'GENERATION' }, { spanType: 'llm', family: 'langfuse' }, 'langfuse.observation.type'],
    ['Langfuse SDK type, lower-case', 'lookup', { 'langfuse.observation.type': 'tool' }, { spanType: 'tool' }, 'langfuse.observation.type'],
    ['Langfuse EVENT', 'cache-miss', { 'langfuse.observation.type': 'EVENT' }, { spanType: 'event' }, 'langfuse.observation.type'],
    ['Langfuse AGENT', 'support-agent', { 'langfuse.observation.type': 'AGENT' }, { spanType: 'agent' }, 'langfuse.observation.type'],
    ['Langfuse SPAN names no type', 'agent-run', { 'langfuse.observation.type': 'SPAN' }, { spanType: 'unknown', family: 'langfuse' }, 'langfuse.observation.type'],
    ['Langfuse SPAN leaves later rules a say', 'invoke_agent triage', { 'langfuse.observation.type': 'span' }, { spanType: 'agent', family: 'genai' }, 'span name invoke_agent'],
    ['gen_ai wins over the Langfuse type', 'chat', { 'gen_ai.operation.name': 'chat', 'langfuse.observation.type': 'SPAN' }, { spanType: 'llm', family: 'genai' }, 'gen_ai.operation.name'],
  ];
  for (const [name, spanName, attributes, expected, fromKey] of cases) check(name, spanName, attributes, expected, { spanType: fromKey });

  it('is unknown, with no family and no provenance, when nothing matches', () => {
    const fields = deriveSpanFields('GET /', { 'http.method': 'GET' });
    expect(fields.spanType).toBe('unknown');
    expect(fields.family).toBeNull();
    expect(fields.provenance).toEqual([]);
  });
});

describe('model, provider, tokens, cost, session and score', () => {
  const cases: [string, string, Attributes, Partial<SpanFields>, Record<string, string>][] = [
    [
      'gen_ai new names',
      'chat',
      { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.provider.name': 'openai', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 3, 'gen_ai.conversation.id': 'conv-1' },
      { model: 'gpt-4o', provider: 'openai', inputTokens: 10, outputTokens: 3, sessionKey: 'conv-1' },
      { model: 'gen_ai.request.model', provider: 'gen_ai.provider.name', inputTokens: 'gen_ai.usage.input_tokens', session: 'gen_ai.conversation.id' },
    ],
    [
      'gen_ai old names (before 2024-07) and gen_ai.system',
      'chat',
      { 'gen_ai.system': 'OpenAI', 'gen_ai.usage.prompt_tokens': '12', 'gen_ai.usage.completion_tokens': 4 },
      { provider: 'OpenAI', inputTokens: 12, outputTokens: 4 },
      { provider: 'gen_ai.system', inputTokens: 'gen_ai.usage.prompt_tokens', outputTokens: 'gen_ai.usage.completion_tokens' },
    ],
    [
      'OpenInference tokens and cost win over gen_ai',
      'llm',
      { 'llm.token_count.prompt': 20, 'gen_ai.usage.input_tokens': 99, 'llm.token_count.completion': 7, 'llm.cost.total': 0.01, 'llm.model_name': 'claude-3', 'llm.provider': 'anthropic', 'session.id': 's-9' },
      { inputTokens: 20, outputTokens: 7, costUsd: 0.01, model: 'claude-3', provider: 'anthropic', sessionKey: 's-9' },
      { inputTokens: 'llm.token_count.prompt', costUsd: 'llm.cost.total', session: 'session.id' },
    ],
    [
      'Vercel AI SDK (v4 and v5 token names)',
      'ai.generateText.doGenerate',
      { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.id': 'gpt-4o-mini', 'ai.model.provider': 'openai.chat', 'ai.usage.inputTokens': 8, 'ai.usage.completionTokens': 2, 'ai.telemetry.metadata.sessionId': 'v-1' },
      { model: 'gpt-4o-mini', provider: 'openai.chat', inputTokens: 8, outputTokens: 2, sessionKey: 'v-1' },
      { inputTokens: 'ai.usage.inputTokens', outputTokens: 'ai.usage.completionTokens' },
    ],
    [
      'Traceloop association session',
      'openai.chat',
      { 'llm.request.type': 'chat', 'traceloop.association.properties.session_id': 'tl-1' },
      { sessionKey: 'tl-1' },
      { session: 'traceloop.association.properties.session_id' },
    ],
    [
      'MLflow token usage object, model, provider and cost',
      'ChatOpenAI',
      { 'mlflow.spanType': 'CHAT_MODEL', 'mlflow.chat.tokenUsage': { input_tokens: 30, output_tokens: 9, total_tokens: 39 }, 'mlflow.llm.model': 'gpt-4o', 'mlflow.llm.provider': 'openai', 'mlflow.llm.cost': { total_cost: 0.002 } },
      { inputTokens: 30, outputTokens: 9, model: 'gpt-4o', provider: 'openai', costUsd: 0.002 },
      { inputTokens: 'mlflow.chat.tokenUsage.input_tokens', model: 'mlflow.llm.model', costUsd: 'mlflow.llm.cost.total_cost' },
    ],
    [
      'MLflow token usage still as JSON text',
      'ChatOpenAI',
      { 'mlflow.spanType': '"LLM"', 'mlflow.chat.tokenUsage': '{"input_tokens": 5, "output_tokens": 1}' },
      { inputTokens: 5, outputTokens: 1 },
      {},
    ],
    [
      'typed assistant message fields',
      'message.assistant',
      { span_kind: 'message', role: 'assistant', model: 'gpt-4o', provider: 'openai', input_tokens: 120, output_tokens: 30, cost_usd: 0.0021 },
      { model: 'gpt-4o', provider: 'openai', inputTokens: 120, outputTokens: 30, costUsd: 0.0021 },
      { model: 'model', inputTokens: 'input_tokens', costUsd: 'cost_usd' },
    ],
    [
      'typed run: model_name and datapoint as session',
      'trace_run',
      { span_kind: 'trace_run', datapoint_id: 'sess-7', phase: 'prod', model_name: 'gpt-4o' },
      { model: 'gpt-4o', sessionKey: 'sess-7' },
      { model: 'model_name', session: 'datapoint_id' },
    ],
    [
      'bare typed names are ignored outside typed spans',
      'http',
      { model: 'x', input_tokens: 5, cost_usd: 1, score: 0.3, datapoint_id: 'd' },
      { model: null, inputTokens: null, costUsd: null, score: null, sessionKey: null },
      {},
    ],
    [
      'a typed message score is not a grade score',
      'message.assistant',
      { span_kind: 'message', role: 'assistant', score: 0.9 },
      { score: null },
      {},
    ],
    [
      'GenAI evaluation score',
      'evaluate',
      { 'gen_ai.evaluation.score.value': 0.75 },
      { score: 0.75 },
      { score: 'gen_ai.evaluation.score.value' },
    ],
  ];
  for (const [name, spanName, attributes, expected, fromKeys] of cases) check(name, spanName, attributes, expected, fromKeys);
});

describe('kitelogik decisions', () => {
  const gate = (extra: Attributes): Attributes => ({ 'kitelogik.tool_name': 'approve_refund', ...extra });
  const cases: [string, Attributes, Partial<SpanFields>][] = [
    ['allow', gate({ 'kitelogik.policy.allow': true, 'kitelogik.policy.deny': false }), { decision: 'allow', isVerdict: true }],
    ['hard deny', gate({ 'kitelogik.policy.allow': false, 'kitelogik.policy.deny': true, 'kitelogik.policy.risk_tier': 'DESTRUCTIVE' }), { decision: 'deny', riskTier: 'DESTRUCTIVE' }],
    ['human review', gate({ 'kitelogik.policy.allow': false, 'kitelogik.policy.deny': false, 'kitelogik.policy.requires_hitl': true }), { decision: 'hitl' }],
    ['soft deny', gate({ 'kitelogik.policy.allow': false, 'kitelogik.policy.deny': false, 'kitelogik.policy.requires_hitl': false, 'kitelogik.policy.reason': 'no' }), { decision: 'soft-deny', decisionReason: 'no' }],
    ['Python bool text', gate({ 'kitelogik.policy.allow': 'False', 'kitelogik.policy.deny': 'True' }), { decision: 'deny' }],
    ['no decision on a span without policy fields', gate({}), { decision: null, isVerdict: false }],
    ['a blocked adapter call is a verdict without a decision', { 'kitelogik.allowed': false }, { decision: null, isVerdict: true }],
  ];
  for (const [name, attributes, expected] of cases) check(name, 'policy_gate.evaluate', attributes, expected);
});

describe('searchable tags', () => {
  const cases: [string, Attributes, string[] | null][] = [
    ['OpenInference tag.tags as a list', { 'tag.tags': ['beta', 'eu'] }, ['beta', 'eu']],
    ['OpenInference tag.tags as JSON text', { 'tag.tags': '["beta"]' }, ['beta']],
    ['a Langfuse trace row', { 'langfuse.trace.tags': '["vip", "refund"]' }, ['vip', 'refund']],
    ['tag.tags wins over a Langfuse trace row', { 'tag.tags': ['a'], 'langfuse.trace.tags': ['b'] }, ['a']],
    ['no tags', { 'gen_ai.request.model': 'gpt-4o' }, null],
  ];
  for (const [name, attributes, tags] of cases) {
    it(name, () => expect(deriveSpanFields('span', attributes).tags).toEqual(tags));
  }
});
