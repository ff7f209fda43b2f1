/**
 * DERIVE_ATTRIBUTE_KEYS must list every attribute key deriveSpanFields reads: the native record
 * scanner hands derivation only those keys, so a key read but not listed would make the fast
 * path derive other fields than the JavaScript path. Checked by watching every key derivation
 * asks for (a Proxy's get/has traps) over every fixture span and over synthetic attribute sets
 * of each convention, and by deriving from the listed keys alone.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readLangfuseCsvHeader } from '../../../src/core/ingest/adapt-langfuse';
import { adaptRecord } from '../../../src/core/ingest/adapt-record';
import { frameCsvRecords } from '../../../src/core/ingest/frame-csv-records';
import { frameJsonRecords, type FramedRecord } from '../../../src/core/ingest/frame-json-records';
import { frameLengthPrefixedRecords } from '../../../src/core/ingest/frame-length-prefixed';
import { SYNTHESIZED_ATTRIBUTE } from '../../../src/core/semantics/classify-typed-record';
import { DERIVE_ATTRIBUTE_KEYS, deriveIndexFields, deriveSpanFields } from '../../../src/core/semantics/derive-span-fields';
import type { Attributes } from '../../../src/shared/model/attribute-value';

const ROOT = join(__dirname, '../../..');
const WANTED = new Set(DERIVE_ATTRIBUTE_KEYS);

interface SpanSample {
  where: string;
  name: string;
  attributes: Attributes;
}

// ---------------------------------------------------------------------------------------------
// Fixture spans, adapted by the JavaScript path.
// ---------------------------------------------------------------------------------------------

const SKIPPED_FOLDERS = new Set(['stores', 'node_modules']);

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry)) out.push(...listFiles(path));
    } else out.push(path);
  }
  return out;
}

/** The framed records of a fixture, framed as the indexer frames its encoding. */
function framedRecords(path: string): FramedRecord[] | null {
  const bytes = readFileSync(path);
  if (path.endsWith('.bin')) {
    const records: FramedRecord[] = [];
    frameLengthPrefixedRecords(bytes, 0, 1, true, (record) => records.push(record));
    return records;
  }
  if (path.endsWith('.csv')) {
    const header = readLangfuseCsvHeader(bytes, true);
    return Array.isArray(header) ? frameCsvRecords(bytes, 0, 1, true, header).records : null;
  }
  if (['.json', '.jsonl', '.log', '.txt'].some((ext) => path.endsWith(ext))) return frameJsonRecords(bytes, 0, 1, true).records;
  return null;
}

function fixtureSpans(): SpanSample[] {
  const samples: SpanSample[] = [];
  for (const path of [...listFiles(join(ROOT, 'test/fixtures')), ...listFiles(join(ROOT, 'resources/demo'))]) {
    const records = framedRecords(path);
    if (!records) continue;
    for (const record of records) {
      const result = adaptRecord(record.value);
      if (!result.isTrace) continue;
      for (const span of result.spans) samples.push({ where: `${relative(ROOT, path)}:${record.line}`, name: span.name, attributes: span.attributes });
    }
  }
  return samples;
}

// ---------------------------------------------------------------------------------------------
// Synthetic attribute sets, one or more per convention.
// ---------------------------------------------------------------------------------------------

const SYNTHETIC: SpanSample[] = (
  [
    ['openinference LLM', 'ChatCompletion', { 'openinference.span.kind': 'LLM', 'llm.model_name': 'gpt-4o', 'llm.provider': 'openai', 'llm.token_count.prompt': 10, 'llm.token_count.completion': 5, 'llm.cost.total': 0.01, 'session.id': 's', 'tag.tags': ['a', 'b'], 'input.value': 'hi' }],
    ['openinference agent, tags as text', 'agent', { 'openinference.span.kind': 'agent', 'tag.tags': '["x", 2]', 'llm.system': 'anthropic' }],
    ['openinference unknown kind falls through', 'x', { 'openinference.span.kind': 'NOPE', 'gen_ai.operation.name': 'nope', 'traceloop.span.kind': 'nope', 'mlflow.spanType': 'nope', 'ai.operationId': 'nope', 'langfuse.observation.type': 'SPAN' }],
    ['gen_ai chat', 'chat gpt-4o', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-2024', 'gen_ai.provider.name': 'openai', 'gen_ai.system': 'openai', 'gen_ai.usage.input_tokens': 812, 'gen_ai.usage.output_tokens': 96, 'gen_ai.usage.cost': '0.002', 'gen_ai.conversation.id': 'conv' }],
    ['gen_ai old token names', 'chat', { 'gen_ai.operation.name': 'text_completion', 'gen_ai.usage.prompt_tokens': '12', 'gen_ai.usage.completion_tokens': 'x' }],
    ['gen_ai evaluation', 'evaluate', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.evaluation.score.value': 0.75 }],
    ['gen_ai by span name', 'execute_tool search', {}],
    ['gen_ai invoke_agent by name', 'invoke_agent triage', { 'gen_ai.agent.name': 'triage' }],
    ['traceloop workflow', 'checkout.workflow', { 'traceloop.span.kind': 'workflow', 'traceloop.association.properties.session_id': 'sess', 'gen_ai.usage.prompt_tokens': 10 }],
    ['traceloop provider call', 'openai.chat', { 'llm.request.type': 'chat', 'gen_ai.system': 'OpenAI', 'llm.request.model_name': 'm', 'llm.response.model_name': 'm2' }],
    ['traceloop embedding and rerank', 'x', { 'llm.request.type': 'rerank' }],
    ['mlflow chat model with tokenUsage JSON text', 'ChatOpenAI', { 'mlflow.spanType': '"CHAT_MODEL"', 'mlflow.chat.tokenUsage': '{"input_tokens": 3, "output_tokens": 4, "total_tokens": 7}', 'mlflow.llm.model': 'gpt', 'mlflow.llm.provider': 'openai', 'mlflow.llm.cost': '{"total_cost": 0.5}' }],
    ['mlflow tokenUsage as an object', 'llm', { 'mlflow.spanType': 'LLM', 'mlflow.chat.tokenUsage': { input_tokens: 1, output_tokens: 2 }, 'mlflow.llm.cost': { total_cost: 0.1 } }],
    ['mlflow broken tokenUsage text', 'llm', { 'mlflow.spanType': 'LLM', 'mlflow.chat.tokenUsage': '{"input_tokens": ', 'mlflow.llm.cost': '[1]' }],
    ['mlflow spanType as number', 'x', { 'mlflow.spanType': 5 }],
    ['vercel doGenerate', 'ai.generateText.doGenerate', { 'ai.operationId': 'ai.generateText.doGenerate', 'ai.model.id': 'gpt-4o', 'ai.model.provider': 'openai.chat', 'ai.usage.promptTokens': 10, 'ai.usage.completionTokens': 20, 'ai.telemetry.metadata.sessionId': 'v-sess' }],
    ['vercel newer usage names', 'ai.streamText', { 'ai.operationId': 'ai.streamText.doStream', 'ai.usage.inputTokens': 1, 'ai.usage.outputTokens': 2 }],
    ['langfuse generation', 'gen', { 'langfuse.observation.type': 'generation', 'langfuse.trace.tags': ['t1'], 'gen_ai.request.model': 'm' }],
    ['langfuse SPAN only', 'step', { 'langfuse.observation.type': 'SPAN', 'langfuse.trace.tags': '["a"]' }],
    ['kavalai run', 'run', { 'kavalai.kind': 'run', 'kavalai.session_id': 'k-sess' }],
    ['kavalai task', 'task', { 'kavalai.kind': 'task', 'kavalai.node_type': 'function' }],
    ['kavalai task without node type', 'task', { 'kavalai.kind': 'task' }],
    ['kavalai model call', 'call', { 'kavalai.kind': 'model_call', 'kavalai.call_type': 'embedding', 'kavalai.model_name': 'e5', 'kavalai.provider': 'local', 'kavalai.prompt_tokens': 3, 'kavalai.completion_tokens': 0 }],
    ['kavalai model call without type', 'call', { 'kavalai.kind': 'model_call' }],
    ['kitaru execution', 'exec', { 'kitaru.span.kind': 'execution' }],
    ['kitaru checkpoint with model', 'call_model', { 'kitaru.span.kind': 'checkpoint', 'kitaru.metadata.model': 'gpt', 'kitaru.metadata.tokens.in': 4, 'kitaru.metadata.tokens.out': 5, 'kitaru.metadata.cost': 0.1 }],
    ['kitaru checkpoint with other token names', 'cp', { 'kitaru.span.kind': 'checkpoint', 'kitaru.metadata.tokens.prompt_tokens': 1, 'kitaru.metadata.tokens.completion': 2, 'kitaru.metadata.cost.total': 0.2, 'kitaru.metadata.cost_usd': 0.3 }],
    ['kitaru plain checkpoint', 'cp', { 'kitaru.span.kind': 'checkpoint', 'kitaru.metadata.note': 'x' }],
    ['kitelogik gate', 'policy_gate.evaluate', { 'kitelogik.policy.allow': 'False', 'kitelogik.policy.deny': 'false', 'kitelogik.policy.requires_hitl': 'True', 'kitelogik.policy.risk_tier': 'high', 'kitelogik.policy.reason': 'pii', 'kitelogik.session_id': 'kl' }],
    ['kitelogik deny', 'policy_gate.x', { 'kitelogik.policy.deny': true, 'kitelogik.allowed': false }],
    ['kitelogik audit row', 'audit', { 'kitelogik.audit.outcome': 'hitl_queued' }],
    ['kitelogik adapter and session', 'kitelogik.adapter.tool_call', { 'kitelogik.allowed': 'false' }],
    ['kitelogik agent session', 'agent_session', {}],
    ['typed assistant message', 'message.assistant', { span_kind: 'message', role: 'assistant', model: 'm', provider: 'p', input_tokens: 1, output_tokens: 2, cost_usd: 0.1 }],
    ['typed grader message', 'grader.x', { span_kind: 'grader.helpfulness', role: 'assistant', grader_name: 'helpfulness', model_name: 'judge' }],
    ['typed grade', 'grader', { span_kind: 'grader', score: 0.8, details: 'ok' }],
    ['typed criterion, synthesized', 'grader.criterion', { span_kind: 'grader.criterion', score: '1', [SYNTHESIZED_ATTRIBUTE]: true }],
    ['typed criterion by span_name', 'c', { span_name: 'grader.criterion', score: 0 }],
    ['typed tool', 'tool.lookup', { span_kind: 'tool', call_id: 'c1' }],
    ['typed event', 'event', { span_kind: 'event', details: { a: 1 } }],
    ['typed run', 'trace_run', { span_kind: 'trace_run', datapoint_id: 'dp', phase: 'eval', status: 'TRUNCATED', tags: ['x', 1], meta: { k: 'v' }, run_id: 'r', step: 3, model_name: 'm' }],
    ['typed run by name only', 'trace_run', { datapoint_id: 'dp', status: 'completed', tags: '["a"]', meta: '{"k": 1}' }],
    ['typed run named run', 'run', { phase: 'p', meta: '{', tags: 'solo' }],
    ['typed span by fields', 'x', { span_name: 'thing', role: null, call_id: 'c' }],
    ['typed by role only', 'x', { span_kind: '', role: 'user', score: 1 }],
    ['every convention at once', 'policy_gate.everything', Object.fromEntries(DERIVE_ATTRIBUTE_KEYS.map((key, i) => [key, i % 3 === 0 ? String(i) : i % 3 === 1 ? i : 'assistant']))],
    ['no attributes', 'plain', {}],
    ['only unknown attributes', 'plain', { foo: 1, 'bar.baz': 'x', model: 'not typed', input_tokens: 5 }],
  ] as [string, string, Attributes][]
).map(([where, name, attributes]) => ({ where: `synthetic: ${where}`, name, attributes }));

// ---------------------------------------------------------------------------------------------

/** The string keys derivation asks `attributes` for, through get and has (not by enumerating). */
function keysRead(name: string, attributes: Attributes, derive = deriveSpanFields): Set<string> {
  const seen = new Set<string>();
  const proxy = new Proxy(attributes, {
    get(target, key, receiver) {
      if (typeof key === 'string') seen.add(key);
      return Reflect.get(target, key, receiver);
    },
    has(target, key) {
      if (typeof key === 'string') seen.add(key);
      return Reflect.has(target, key);
    },
  });
  derive(name, proxy);
  return seen;
}

/** Only the entries derivation may read, in their order. */
function onlyWanted(attributes: Attributes): Attributes {
  const out: Attributes = {};
  for (const key of Object.keys(attributes)) if (WANTED.has(key)) out[key] = attributes[key];
  return out;
}

const FIXTURE_SPANS = fixtureSpans();
const ALL_SPANS = [...FIXTURE_SPANS, ...SYNTHETIC];

describe('DERIVE_ATTRIBUTE_KEYS', () => {
  it('is a list of distinct non-empty strings', () => {
    expect(DERIVE_ATTRIBUTE_KEYS.length).toBeGreaterThan(50);
    expect(new Set(DERIVE_ATTRIBUTE_KEYS).size).toBe(DERIVE_ATTRIBUTE_KEYS.length);
    for (const key of DERIVE_ATTRIBUTE_KEYS) expect(typeof key === 'string' && key.length > 0, String(key)).toBe(true);
  });

  it('the spans checked cover every convention', () => {
    expect(FIXTURE_SPANS.length).toBeGreaterThan(200);
    const familiesOf = (spans: SpanSample[]) => new Set(spans.map((span) => deriveSpanFields(span.name, span.attributes).family));
    const inFixtures = familiesOf(FIXTURE_SPANS);
    for (const family of ['openinference', 'genai', 'mlflow', 'langfuse', 'kitelogik', 'typed-agent']) expect(inFixtures, family).toContain(family);
    // The fixtures hold no Traceloop, Vercel, kavalai or Kitaru file spans: the synthetic sets do.
    const all = familiesOf(ALL_SPANS);
    for (const family of ['openinference', 'genai', 'traceloop', 'vercel', 'mlflow', 'langfuse', 'kitelogik', 'kavalai', 'kitaru', 'typed-agent']) expect(all, family).toContain(family);
  });

  it('the proxy sees what derivation reads', () => {
    const seen = keysRead('x', { 'openinference.span.kind': 'LLM', 'llm.model_name': 'm', unrelated: 1 });
    expect(seen).toContain('openinference.span.kind');
    expect(seen).toContain('llm.model_name');
    expect(seen).not.toContain('unrelated');
  });

  it('lists every key deriveSpanFields reads, for every fixture and synthetic span', () => {
    const unlisted = new Map<string, string>();
    const read = new Set<string>();
    for (const span of ALL_SPANS) {
      for (const key of keysRead(span.name, span.attributes)) {
        read.add(key);
        if (!WANTED.has(key) && !unlisted.has(key)) unlisted.set(key, span.where);
      }
    }
    expect(Object.fromEntries(unlisted), 'keys read but not in DERIVE_ATTRIBUTE_KEYS (key: first span)').toEqual({});
    expect(read.size).toBeGreaterThan(40);
  });

  it('lists every key deriveIndexFields reads too', () => {
    const unlisted = new Map<string, string>();
    for (const span of ALL_SPANS) {
      for (const key of keysRead(span.name, span.attributes, deriveIndexFields)) if (!WANTED.has(key) && !unlisted.has(key)) unlisted.set(key, span.where);
    }
    expect(Object.fromEntries(unlisted)).toEqual({});
  });

  it('deriving from the listed keys alone gives the same fields, provenance included', () => {
    for (const span of ALL_SPANS) {
      const wanted = onlyWanted(span.attributes);
      expect(deriveSpanFields(span.name, wanted), span.where).toEqual(deriveSpanFields(span.name, span.attributes));
      expect(deriveIndexFields(span.name, wanted), span.where).toEqual(deriveIndexFields(span.name, span.attributes));
    }
  });

  it('holds for generated attribute sets mixing listed and other keys', () => {
    const key = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom(...DERIVE_ATTRIBUTE_KEYS) },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
      // Near misses: a listed key with a suffix or prefix, or a parent of a nested key.
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...DERIVE_ATTRIBUTE_KEYS), fc.constantFrom('.x', '_', ' ', 'X.')).map(([k, s]) => (s.endsWith('.') ? s + k : k + s)) },
      { weight: 1, arbitrary: fc.constantFrom('mlflow.chat', 'mlflow.llm', 'input', 'output', 'kitaru.metadata', 'kitaru.metadata.tokens', 'name', 'span_id', 'run_id', 'step', 'details') },
    );
    const value = fc.oneof(
      fc.constantFrom('LLM', 'chat', 'workflow', '"CHAT_MODEL"', 'ai.toolCall', 'GENERATION', 'SPAN', 'run', 'task', 'model_call', 'function', 'embedding', 'checkpoint', 'execution'),
      fc.constantFrom('trace_run', 'grader', 'grader.criterion', 'message', 'tool', 'event', 'assistant', 'True', 'False', 'true', 'completed', 'ERROR', 'TRUNCATED', 'blocked', 'allowed'),
      fc.constantFrom('{"input_tokens": 3, "output_tokens": 4, "total_cost": 1}', '["a", 1]', '{"k": 1}', '{', '[', '12', '', ' 7 '),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const name = fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom('trace_run', 'run', 'policy_gate.x', 'agent_session', 'kitelogik.adapter.tool_call', 'invoke_agent a', 'execute_tool b'));
    fc.assert(
      fc.property(name, fc.array(fc.tuple(key, value), { maxLength: 14 }), (spanName, entries) => {
        const attributes = Object.fromEntries(entries) as Attributes;
        for (const read of keysRead(spanName, attributes)) expect(WANTED.has(read), read).toBe(true);
        expect(deriveSpanFields(spanName, onlyWanted(attributes))).toEqual(deriveSpanFields(spanName, attributes));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('values that name what every object inherits', () => {
  it('are no convention: an operation called "constructor" is no span type, an outcome called "toString" no decision', () => {
    const cases: Record<string, string>[] = [
      { 'gen_ai.operation.name': 'constructor' },
      { 'traceloop.span.kind': 'toString' },
      { 'ai.operationId': 'valueOf' },
      { 'llm.request.type': 'isPrototypeOf' },
      { 'kavalai.kind': 'task', 'kavalai.node_type': '__proto__' },
      { 'openinference.span.kind': 'constructor' },
      { 'mlflow.spanType': 'hasOwnProperty' },
      { 'langfuse.observation.type': '__proto__' },
      { 'kitelogik.audit.outcome': 'hasOwnProperty' },
    ];
    for (const attributes of cases) {
      const fields = deriveSpanFields('span', attributes);
      expect(typeof fields.spanType, JSON.stringify(attributes)).toBe('string');
      expect(['unknown', 'node', 'policy']).toContain(fields.spanType);
      expect(fields.decision === null || typeof fields.decision === 'string').toBe(true);
      expect(fields.decision).toBeNull();
    }
  });
});
