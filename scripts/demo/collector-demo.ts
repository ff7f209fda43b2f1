/**
 * The demo behind resources/demo/collector-export.jsonl: a billing assistant instrumented with
 * OpenInference (AGENT / LLM / TOOL spans, `session.id`, `llm.token_count.*`) and gated by
 * kitelogik, calling a separate Go retrieval service. Each user turn is one trace; a session is
 * several traces sharing `session.id`. Spans leave the Collector's batch processor in 200 ms
 * windows, so one trace spreads over many lines and a line can hold both services' resources.
 */
import { Prng } from '../lib/prng';
import { pyFloat, pyDumps } from '../lib/py-json';
import { OTLP_KIND, toKeyValues, toOtlpSpan, type AttrInput, type OtlpSpanInput } from '../lib/otlp-json';
import { estimateTokens, randomAlnum } from './agent-text';

/** 2026-11-20T15:40:02.250Z in nanoseconds. */
const BASE_NS = 1_795_189_202_250_000_000n;

interface Scope {
  name: string;
  version: string;
}

interface SpanRecord {
  span: OtlpSpanInput;
  resource: 'copilot' | 'kb';
  scope: Scope;
}

const RESOURCES: { [key in SpanRecord['resource']]: { [key: string]: AttrInput } } = {
  copilot: {
    'service.name': 'billing-copilot',
    'service.version': '2.4.1',
    'deployment.environment.name': 'staging',
    'openinference.project.name': 'billing-copilot',
    'telemetry.sdk.language': 'python',
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.version': '1.38.0',
  },
  kb: {
    'service.name': 'kb-search',
    'service.version': '0.9.3',
    'host.name': 'kb-search-7d9f8c6b5-x2k4p',
    'telemetry.sdk.language': 'go',
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.version': '1.38.0',
  },
};

const SCOPE_AGENT: Scope = { name: 'billing_copilot.agent', version: '2.4.1' };
const SCOPE_OPENAI: Scope = { name: 'openinference.instrumentation.openai', version: '0.1.41' };
const SCOPE_KITELOGIK: Scope = { name: 'kitelogik.observability', version: '0.9.2' };
const SCOPE_HTTPX: Scope = { name: 'opentelemetry.instrumentation.httpx', version: '0.59b0' };
const SCOPE_OTELHTTP: Scope = { name: 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp', version: '0.63.0' };
const SCOPE_RETRIEVER: Scope = { name: 'kb-search/retriever', version: '0.9.3' };

const MODEL = 'gpt-4o-mini-2024-07-18';
const SYSTEM = 'You are Billing Copilot. Answer billing questions using the tools. Money movements need a tool confirmation.';

type Verdict = 'allow' | 'deny' | 'hitl';

interface ToolStep {
  tool: string;
  args: { [key: string]: AttrInput };
  verdict: Verdict;
  tier: string;
  reason: string;
  result?: { [key: string]: AttrInput };
  /** search_kb: documents returned by the retrieval service. */
  docs?: [string, string, number][];
}

interface TurnSpec {
  user: string;
  steps: ToolStep[][];
  answer: string;
  /** The first model call of the turn is rate limited and retried. */
  rateLimited?: boolean;
}

interface SessionSpec {
  sessionId: string;
  userId: string;
  channel: string;
  startOffsetS: number;
  turns: TurnSpec[];
}

type Msg = { role: string; content?: string; toolCalls?: { id: string; name: string; arguments: string }[]; toolCallId?: string };

class TracePlayer {
  readonly records: SpanRecord[] = [];
  readonly traceId: string;
  clockNs: bigint;
  private readonly root: SpanRecord;

  constructor(
    private readonly rng: Prng,
    private readonly session: SessionSpec,
    private readonly turn: TurnSpec,
    private readonly history: Msg[],
    startNs: bigint,
  ) {
    this.traceId = rng.hex(32);
    this.root = this.open('billing_copilot.turn', null, OTLP_KIND.INTERNAL, SCOPE_AGENT, 'copilot', startNs, {
      'openinference.span.kind': 'AGENT',
      'agent.name': 'billing-copilot',
      'session.id': session.sessionId,
      'user.id': session.userId,
      'tag.tags': ['billing', session.channel],
      metadata: pyDumps({ channel: session.channel, locale: 'en-US', turn: history.filter((m) => m.role === 'user').length + 1 }),
      'input.value': turn.user,
      'input.mime_type': 'text/plain',
    });
    this.clockNs = startNs + this.ns(0.4, 3);
  }

  /** A random duration in nanoseconds between `minMs` and `maxMs` milliseconds. */
  private ns(minMs: number, maxMs: number): bigint {
    return BigInt(Math.round(this.rng.float(minMs, maxMs) * 1_000_000));
  }

  private open(
    name: string,
    parent: SpanRecord | null,
    kind: number,
    scope: Scope,
    resource: SpanRecord['resource'],
    startNs: bigint,
    attributes: { [key: string]: AttrInput },
    remoteParent = false,
  ): SpanRecord {
    const rec: SpanRecord = {
      span: {
        traceId: this.traceId,
        spanId: this.rng.hex(16),
        parentSpanId: parent ? parent.span.spanId : null,
        // Sampled (0x01), "is_remote known" (0x100), and 0x200 when the parent is remote.
        flags: 0x101 | (remoteParent ? 0x200 : 0),
        name,
        kind,
        startNs,
        endNs: 0n,
        attributes,
        events: [],
        status: { code: 0 },
      },
      resource,
      scope,
    };
    this.records.push(rec);
    return rec;
  }

  play(): bigint {
    this.history.push({ role: 'user', content: this.turn.user });
    if (this.turn.rateLimited) this.callModel(null, true);
    for (const step of this.turn.steps) {
      const calls = step.map((s) => ({ id: `call_${randomAlnum(this.rng, 24)}`, name: s.tool, arguments: JSON.stringify(s.args) }));
      this.callModel({ toolCalls: calls }, false);
      step.forEach((s, i) => {
        const result = this.callTool(s);
        this.history.push({ role: 'tool', toolCallId: calls[i].id, content: JSON.stringify(result) });
      });
    }
    this.callModel({ content: this.turn.answer }, false);
    this.root.span.attributes['output.value'] = this.turn.answer;
    this.root.span.attributes['output.mime_type'] = 'text/plain';
    this.root.span.status = { code: 1 };
    this.root.span.endNs = this.clockNs + this.ns(0.2, 2);
    return this.root.span.endNs;
  }

  private callModel(output: { content?: string; toolCalls?: Msg['toolCalls'] } | null, rateLimited: boolean): void {
    const start = this.clockNs + this.ns(0.3, 2.5);
    const messages: Msg[] = [{ role: 'system', content: SYSTEM }, ...this.history];
    const attributes: { [key: string]: AttrInput } = {
      'openinference.span.kind': 'LLM',
      'llm.system': 'openai',
      'llm.provider': 'openai',
      'llm.model_name': MODEL,
      'llm.invocation_parameters': pyDumps({ model: 'gpt-4o-mini', temperature: pyFloat(0.1), tool_choice: 'auto' }),
      'session.id': this.session.sessionId,
      'input.value': JSON.stringify({ model: 'gpt-4o-mini', messages: messages.map((m) => ({ role: m.role, content: m.content ?? null })) }),
      'input.mime_type': 'application/json',
    };
    messages.forEach((m, i) => {
      const p = `llm.input_messages.${i}.message`;
      attributes[`${p}.role`] = m.role;
      if (m.content !== undefined) attributes[`${p}.content`] = m.content;
      if (m.toolCallId) attributes[`${p}.tool_call_id`] = m.toolCallId;
      m.toolCalls?.forEach((c, k) => {
        attributes[`${p}.tool_calls.${k}.tool_call.id`] = c.id;
        attributes[`${p}.tool_calls.${k}.tool_call.function.name`] = c.name;
        attributes[`${p}.tool_calls.${k}.tool_call.function.arguments`] = c.arguments;
      });
    });
    const span = this.open('ChatCompletion', this.root, OTLP_KIND.INTERNAL, SCOPE_OPENAI, 'copilot', start, attributes);
    if (output === null || rateLimited) {
      const end = start + this.ns(180, 420);
      const message = "Error code: 429 - {'error': {'message': 'Rate limit reached for gpt-4o-mini in organization org-billing on tokens per min (TPM): Limit 200000, Used 199120, Requested 1840. Please try again in 276ms.', 'type': 'tokens', 'code': 'rate_limit_exceeded'}}";
      span.span.events.push({
        timeNs: end - this.ns(0.05, 0.2),
        name: 'exception',
        attributes: {
          'exception.type': 'openai.RateLimitError',
          'exception.message': message,
          'exception.stacktrace': `Traceback (most recent call last):\n  File "/srv/copilot/.venv/lib/python3.12/site-packages/openinference/instrumentation/openai/_request.py", line 281, in __call__\n    response = await wrapped(*args, **kwargs)\n               ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n  File "/srv/copilot/.venv/lib/python3.12/site-packages/openai/_base_client.py", line 1594, in request\n    raise self._make_status_error_from_response(err.response) from None\nopenai.RateLimitError: ${message}\n`,
          'exception.escaped': 'False',
        },
      });
      span.span.status = { code: 2, message: `RateLimitError: ${message}` };
      span.span.endNs = end;
      // The client backs off before retrying.
      this.clockNs = end + this.ns(280, 600);
      return;
    }
    const promptTokens = 412 + estimateTokens(JSON.stringify(messages)) + this.rng.int(-8, 8);
    const completionText = output.content ?? JSON.stringify(output.toolCalls);
    const completionTokens = estimateTokens(completionText) + this.rng.int(2, 9);
    const seconds = Math.min(6, Math.max(0.4, 0.25 + completionTokens * this.rng.float(0.01, 0.02)));
    const out = 'llm.output_messages.0.message';
    attributes[`${out}.role`] = 'assistant';
    if (output.content !== undefined) attributes[`${out}.content`] = output.content;
    output.toolCalls?.forEach((c, k) => {
      attributes[`${out}.tool_calls.${k}.tool_call.id`] = c.id;
      attributes[`${out}.tool_calls.${k}.tool_call.function.name`] = c.name;
      attributes[`${out}.tool_calls.${k}.tool_call.function.arguments`] = c.arguments;
    });
    attributes['output.value'] = JSON.stringify({
      id: `chatcmpl-${randomAlnum(this.rng, 29)}`,
      object: 'chat.completion',
      model: MODEL,
      choices: [{ index: 0, message: { role: 'assistant', content: output.content ?? null }, finish_reason: output.content ? 'stop' : 'tool_calls' }],
    });
    attributes['output.mime_type'] = 'application/json';
    attributes['llm.token_count.prompt'] = promptTokens;
    attributes['llm.token_count.completion'] = completionTokens;
    attributes['llm.token_count.total'] = promptTokens + completionTokens;
    span.span.endNs = start + BigInt(Math.round(seconds * 1e9)) + BigInt(this.rng.int(0, 999_999));
    this.history.push({ role: 'assistant', content: output.content, toolCalls: output.toolCalls });
    this.clockNs = span.span.endNs;
  }

  private callTool(step: ToolStep): { [key: string]: AttrInput } {
    const sessionId = this.session.sessionId;
    const start = this.clockNs + this.ns(0.1, 0.6);
    const adapter = this.open('kitelogik.adapter.tool_call', this.root, OTLP_KIND.INTERNAL, SCOPE_KITELOGIK, 'copilot', start, {
      'kitelogik.tool.name': step.tool,
      'kitelogik.tool.action': step.tool.startsWith('lookup') || step.tool.startsWith('search') ? 'read' : 'write',
      'kitelogik.session_id': sessionId,
    });
    const evalStart = start + this.ns(0.03, 0.1);
    const gate = this.open('policy_gate.evaluate', adapter, OTLP_KIND.INTERNAL, SCOPE_KITELOGIK, 'copilot', evalStart, {
      'kitelogik.action': adapter.span.attributes['kitelogik.tool.action'],
      'kitelogik.tool_name': step.tool,
      'kitelogik.session_id': sessionId,
      'kitelogik.user_role': 'billing_assistant',
    });
    const schemaStart = evalStart + this.ns(0.02, 0.05);
    const schema = this.open('policy_gate.schema_validate', gate, OTLP_KIND.INTERNAL, SCOPE_KITELOGIK, 'copilot', schemaStart, {});
    schema.span.endNs = schemaStart + this.ns(0.1, 1.1);
    schema.span.attributes['kitelogik.duration_ms'] = pyFloat(Number(schema.span.endNs - schemaStart) / 1e6);
    const opaStart = schema.span.endNs + this.ns(0.01, 0.04);
    const opa = this.open('policy_gate.opa_evaluate', gate, OTLP_KIND.INTERNAL, SCOPE_KITELOGIK, 'copilot', opaStart, {});
    opa.span.endNs = opaStart + this.ns(1.5, 8);
    opa.span.attributes['kitelogik.duration_ms'] = pyFloat(Number(opa.span.endNs - opaStart) / 1e6);
    const allowed = step.verdict === 'allow';
    Object.assign(gate.span.attributes, {
      'kitelogik.policy.allow': allowed,
      'kitelogik.policy.deny': step.verdict === 'deny',
      'kitelogik.policy.requires_hitl': step.verdict === 'hitl',
      'kitelogik.policy.risk_tier': step.tier,
      'kitelogik.policy.reason': step.reason,
    });
    if (!allowed) {
      gate.span.status = {
        code: 2,
        message: step.verdict === 'deny' ? 'Hard blocked by security policy' : 'Tool call denied by policy',
      };
    }
    gate.span.endNs = opa.span.endNs + this.ns(0.04, 0.2);
    adapter.span.attributes['kitelogik.allowed'] = allowed;
    if (!allowed) {
      adapter.span.endNs = gate.span.endNs + this.ns(0.04, 0.15);
      this.clockNs = adapter.span.endNs;
      return { status: 'denied', outcome: step.verdict === 'deny' ? 'blocked' : 'hitl_queued', reason: step.reason };
    }

    const toolStart = gate.span.endNs + this.ns(0.05, 0.2);
    const tool = this.open(step.tool, adapter, OTLP_KIND.INTERNAL, SCOPE_AGENT, 'copilot', toolStart, {
      'openinference.span.kind': 'TOOL',
      'tool.name': step.tool,
      'tool.parameters': JSON.stringify(step.args),
      'input.value': JSON.stringify(step.args),
      'input.mime_type': 'application/json',
      'session.id': sessionId,
    });
    let result = step.result ?? { ok: true };
    if (step.docs) {
      result = this.callSearchService(tool, toolStart, String(step.args.query), step.docs);
    } else {
      tool.span.endNs = toolStart + this.ns(40, 380);
    }
    tool.span.attributes['output.value'] = JSON.stringify(result);
    tool.span.attributes['output.mime_type'] = 'application/json';
    const sanStart = tool.span.endNs + this.ns(0.02, 0.08);
    const san = this.open('policy_gate.sanitize_response', adapter, OTLP_KIND.INTERNAL, SCOPE_KITELOGIK, 'copilot', sanStart, {
      'kitelogik.sanitizer.was_modified': false,
      'kitelogik.sanitizer.patterns_found': '',
    });
    san.span.endNs = sanStart + this.ns(0.06, 1.2);
    san.span.attributes['kitelogik.duration_ms'] = pyFloat(Number(san.span.endNs - sanStart) / 1e6);
    adapter.span.endNs = san.span.endNs + this.ns(0.03, 0.12);
    this.clockNs = adapter.span.endNs;
    return result;
  }

  /** search_kb calls the Go kb-search service over HTTP: a CLIENT span here, a SERVER span there. */
  private callSearchService(tool: SpanRecord, toolStart: bigint, query: string, docs: [string, string, number][]) {
    const clientStart = toolStart + this.ns(0.3, 1.2);
    const client = this.open('POST', tool, OTLP_KIND.CLIENT, SCOPE_HTTPX, 'copilot', clientStart, {
      'http.request.method': 'POST',
      'url.full': 'http://kb-search.internal:8080/v1/search',
      'server.address': 'kb-search.internal',
      'server.port': 8080,
    });
    const serverStart = clientStart + this.ns(0.8, 2.5);
    const server = this.open(
      'POST /v1/search',
      client,
      OTLP_KIND.SERVER,
      SCOPE_OTELHTTP,
      'kb',
      serverStart,
      {
        'http.request.method': 'POST',
        'http.route': '/v1/search',
        'url.path': '/v1/search',
        'url.scheme': 'http',
        'server.address': 'kb-search.internal',
        'network.peer.address': '10.42.3.17',
        'user_agent.original': 'python-httpx/0.28.1',
      },
      true,
    );
    const embedStart = serverStart + this.ns(0.1, 0.4);
    const embed = this.open('embed_query', server, OTLP_KIND.INTERNAL, SCOPE_RETRIEVER, 'kb', embedStart, {
      'openinference.span.kind': 'EMBEDDING',
      'embedding.model_name': 'text-embedding-3-small',
      'embedding.embeddings.0.embedding.text': query,
      'embedding.embeddings.0.embedding.vector': Array.from({ length: 8 }, () => pyFloat(Number(this.rng.float(-0.12, 0.12).toFixed(6)))),
    });
    embed.span.endNs = embedStart + this.ns(35, 160);
    const retrieveStart = embed.span.endNs + this.ns(0.05, 0.2);
    const retrieveAttrs: { [key: string]: AttrInput } = {
      'openinference.span.kind': 'RETRIEVER',
      'input.value': query,
    };
    docs.forEach(([id, content, score], i) => {
      const p = `retrieval.documents.${i}.document`;
      retrieveAttrs[`${p}.id`] = id;
      retrieveAttrs[`${p}.content`] = content;
      retrieveAttrs[`${p}.score`] = pyFloat(score);
      retrieveAttrs[`${p}.metadata`] = JSON.stringify({ source: 'help-center', updated: '2026-10-02' });
    });
    const retrieve = this.open('retrieve', server, OTLP_KIND.INTERNAL, SCOPE_RETRIEVER, 'kb', retrieveStart, retrieveAttrs);
    retrieve.span.endNs = retrieveStart + this.ns(8, 60);
    server.span.endNs = retrieve.span.endNs + this.ns(0.2, 0.9);
    server.span.attributes['http.response.status_code'] = 200;
    server.span.attributes['http.response.body.size'] = 412 + docs.length * 180;
    client.span.endNs = server.span.endNs + this.ns(0.6, 2);
    client.span.attributes['http.response.status_code'] = 200;
    tool.span.endNs = client.span.endNs + this.ns(0.2, 0.8);
    return { results: docs.map(([id, content, score]) => ({ id, content, score: pyFloat(score) })) };
  }
}

function lookupInvoice(invoiceId: string, result: { [key: string]: AttrInput }): ToolStep {
  return { tool: 'lookup_invoice', args: { invoice_id: invoiceId }, verdict: 'allow', tier: 'INFORMATIONAL', reason: 'Read-only billing lookup', result };
}

function searchKb(query: string, docs: [string, string, number][]): ToolStep {
  return { tool: 'search_kb', args: { query, top_k: docs.length }, verdict: 'allow', tier: 'INFORMATIONAL', reason: 'Read-only knowledge-base search', docs };
}

const SESSIONS: SessionSpec[] = [
  {
    sessionId: 'web-7c1e0a52',
    userId: 'cust_88123',
    channel: 'web-chat',
    startOffsetS: 0,
    turns: [
      {
        user: 'Why was I charged 19.99 twice this month?',
        steps: [
          [lookupInvoice('INV-30917', { invoice_id: 'INV-30917', plan: 'Pro monthly', amount: pyFloat(19.99), charges: ['CH-1181 2026-11-01', 'CH-1207 2026-11-03'] })],
          [searchKb('duplicate subscription charge', [
            ['HC-214', 'A failed card update can trigger a second charge; the duplicate is refundable.', 0.89],
            ['HC-090', 'Subscriptions renew on the same day each month.', 0.71],
          ])],
        ],
        answer: 'You were charged twice because a card update on 3 November retried the renewal. The second charge (CH-1207) is a duplicate and can be refunded.',
      },
      {
        user: 'Please refund the duplicate then.',
        steps: [
          [{
            tool: 'issue_refund',
            args: { charge_id: 'CH-1207', amount: pyFloat(19.99), currency: 'USD' },
            verdict: 'allow',
            tier: 'TRANSACTIONAL_LOW',
            reason: 'Duplicate charge under 50 USD',
            result: { refund_id: 're_3Pq81', status: 'succeeded' },
          }],
        ],
        answer: 'Done: 19.99 USD is on its way back to your card (refund re_3Pq81). It usually shows up within 5 business days.',
      },
    ],
  },
  {
    sessionId: 'web-41aa9d07',
    userId: 'cust_10452',
    channel: 'web-chat',
    startOffsetS: 14,
    turns: [
      {
        user: 'How do I update the card on my account?',
        rateLimited: true,
        steps: [[searchKb('update payment card', [
          ['HC-031', 'Go to Billing > Payment methods and choose Replace card.', 0.95],
          ['HC-032', 'Card updates take effect from the next renewal.', 0.8],
          ['HC-214', 'A failed card update can trigger a second charge; the duplicate is refundable.', 0.52],
        ])]],
        answer: 'Open Billing > Payment methods and choose "Replace card". The new card is used from your next renewal.',
      },
      {
        user: 'Actually, cancel my subscription and refund the whole year, 240 USD.',
        steps: [
          [
            lookupInvoice('INV-29003', { invoice_id: 'INV-29003', plan: 'Pro annual', amount: pyFloat(240.0), paid: '2026-09-14' }),
          ],
          [
            { tool: 'cancel_subscription', args: { subscription_id: 'sub_55AQ', at_period_end: false }, verdict: 'allow', tier: 'TRANSACTIONAL_LOW', reason: 'Customer-initiated cancellation', result: { status: 'canceled' } },
            { tool: 'issue_refund', args: { charge_id: 'CH-0944', amount: pyFloat(240.0), currency: 'USD' }, verdict: 'hitl', tier: 'TRANSACTIONAL_HIGH', reason: 'Refunds over $100 require manager approval' },
          ],
        ],
        answer: 'Your subscription is cancelled. The 240 USD refund needs a manager\'s approval; it has been queued and you will get an email once it is decided.',
      },
      {
        user: 'ok, thanks',
        steps: [],
        answer: 'You are welcome! Anything else I can help with?',
      },
    ],
  },
  {
    sessionId: 'slack-0f93b2c4',
    userId: 'ops_dana',
    channel: 'slack',
    startOffsetS: 31,
    turns: [
      {
        user: 'close the account of customer 5521 and wipe their billing history',
        steps: [[{ tool: 'delete_billing_history', args: { customer_id: '5521' }, verdict: 'deny', tier: 'DESTRUCTIVE', reason: 'Billing records must be retained for 7 years' }]],
        answer: 'I cannot delete billing history: records are kept for 7 years by policy. I can close the account itself if you confirm.',
      },
      {
        user: "what's the invoice total for ACME in October?",
        steps: [[lookupInvoice('INV-ACME-2026-10', { invoice_id: 'INV-ACME-2026-10', customer: 'ACME Corp', total: pyFloat(18240.5), currency: 'USD', seats: 212 })]],
        answer: "ACME's October invoice (INV-ACME-2026-10) totals 18,240.50 USD for 212 seats.",
      },
    ],
  },
];

function renderLines(records: SpanRecord[]): string[] {
  const sorted = records.slice().sort((a, b) => (a.span.endNs < b.span.endNs ? -1 : a.span.endNs > b.span.endNs ? 1 : 0));
  // The Collector's batch processor (200 ms timeout) forwards what arrived in each window.
  const windows = new Map<bigint, SpanRecord[]>();
  for (const rec of sorted) {
    const key = rec.span.endNs / 200_000_000n;
    const list = windows.get(key) ?? [];
    list.push(rec);
    windows.set(key, list);
  }
  const lines: string[] = [];
  for (const batch of windows.values()) {
    const byResource = new Map<string, Map<string, SpanRecord[]>>();
    for (const rec of batch) {
      const scopes = byResource.get(rec.resource) ?? new Map<string, SpanRecord[]>();
      byResource.set(rec.resource, scopes);
      const key = `${rec.scope.name}@${rec.scope.version}`;
      const list = scopes.get(key) ?? [];
      list.push(rec);
      scopes.set(key, list);
    }
    const resourceSpans = [...byResource.entries()].map(([resource, scopes]) => ({
      resource: { attributes: toKeyValues(RESOURCES[resource as SpanRecord['resource']]) },
      scopeSpans: [...scopes.values()].map((list) => ({
        scope: { name: list[0].scope.name, version: list[0].scope.version },
        spans: list.map((r) => toOtlpSpan(r.span)),
      })),
      ...(resource === 'kb' ? { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' } : {}),
    }));
    lines.push(JSON.stringify({ resourceSpans }));
  }
  return lines;
}

export interface CollectorDemo {
  text: string;
  spans: number;
  traces: number;
  sessions: number;
  lines: number;
  mixedResourceLines: number;
}

export function buildCollectorDemo(seed = 20261121): CollectorDemo {
  const rng = new Prng(seed);
  const records: SpanRecord[] = [];
  let traces = 0;
  for (const session of SESSIONS) {
    const history: Msg[] = [];
    let clock = BASE_NS + BigInt(session.startOffsetS) * 1_000_000_000n + BigInt(rng.int(0, 999_999_999));
    for (const turn of session.turns) {
      const player = new TracePlayer(rng, session, turn, history, clock);
      const end = player.play();
      records.push(...player.records);
      traces++;
      clock = end + BigInt(rng.int(6, 40)) * 1_000_000_000n + BigInt(rng.int(0, 999_999_999));
    }
  }
  const lines = renderLines(records);
  const mixedResourceLines = lines.filter((l) => (JSON.parse(l) as { resourceSpans: unknown[] }).resourceSpans.length > 1).length;
  return {
    text: lines.map((l) => l + '\n').join(''),
    spans: records.length,
    traces,
    sessions: SESSIONS.length,
    lines: lines.length,
    mixedResourceLines,
  };
}
