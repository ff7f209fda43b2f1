/**
 * Typed agent traces through the engine on real files (FORMATS.md §9): a session's whole
 * conversation read back from its records, criteria synthesised from a Grade and hidden once
 * real criterion spans of that Grade arrive (also appended live), and run meta merged and
 * searchable.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TraceService } from '../../src/core/trace-service';
import type { TraceConversation } from '../../src/shared/contract/wire-types';
import { compactConsoleSpan } from '../helpers/otel-console-span';
import { useTraceServiceHarness } from '../helpers/use-trace-service-harness';
import { waitFor } from '../helpers/wait-for';

const harness = useTraceServiceHarness('tracelight-typed-');
const { makeService, openOne } = harness;

const jsonl = (records: object[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

async function open(records: object[] | string, watch = false): Promise<{ service: TraceService; sourceId: string; file: string }> {
  const file = join(harness.dir, 'rollouts.jsonl');
  writeFileSync(file, typeof records === 'string' ? records : jsonl(records));
  const service = makeService(watch);
  const { sourceId } = await openOne(service, file);
  await service.whenIdle();
  return { service, sourceId, file };
}

async function conversationOf(service: TraceService, sourceId: string, sessionId: string, traceId?: string): Promise<TraceConversation> {
  const result = await service.getTraceConversation({ sourceId, sessionId, traceId });
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

/** "role: text or part summary" per message. */
function summarize(conversation: TraceConversation): string[] {
  return conversation.messages.map((m) => {
    const parts = m.parts.map((p) => (p.type === 'text' ? p.text : p.type === 'tool_call' ? `call ${p.name}(${p.arguments})` : p.type === 'tool_result' ? `result ${p.content}` : p.type));
    return `${m.role}${m.isGrader ? ' [grader]' : ''}${m.isError ? ' [error]' : ''}: ${parts.join(' | ')}`;
  });
}

async function waterfall(service: TraceService, sourceId: string, sessionId: string) {
  const window = await service.getWaterfall({ sourceId, sessionId, collapsedKeys: [], offset: 0, limit: 100 });
  if (!window.ok) throw new Error(window.error);
  return window.value;
}

const names = (rows: { depth: number; name: string; spanId: string }[]) => rows.map((r) => `${'  '.repeat(r.depth)}${r.name} ${r.spanId}`);

/** Epoch seconds 1778486537 + `s`. */
const at = (s: number) => 1778486537 + s;

describe('the whole conversation of a typed session', () => {
  // Written out of start order on purpose: the conversation follows start times, not lines.
  const turn1 = [
    { span_kind: 'trace_run', trace_id: 'trc_1', datapoint_id: 'dp-1', phase: 'eval', start_time: at(0), status: 'COMPLETED' },
    { trace_id: 'trc_1', span_id: 'a1', span_name: 'message.assistant', start_time: at(2), duration_ms: 900, role: 'assistant', content: 'Let me check.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"order":"ORD-1"}' } }] },
    { trace_id: 'trc_1', span_id: 's1', span_name: 'message.system', start_time: at(0.5), role: 'system', content: 'You are a support agent.' },
    { trace_id: 'trc_1', span_id: 'u1', span_name: 'message.user', start_time: at(1), attributes: { role: 'user', content: [{ type: 'text', text: 'Where is ORD-1?' }, { type: 'image_url', image_url: { url: 'caribou-image://i/9' } }] } },
    { trace_id: 'trc_1', span_id: 't1', parent_span_id: 'a1', span_kind: 'tool', span_name: 'tool.lookup_order', start_time: at(3), duration_ms: 100, name: 'lookup_order', call_id: 'call_1', arguments: { order: 'ORD-1' }, result: 'shipped' },
    { trace_id: 'trc_1', span_id: 't2', span_kind: 'tool', span_name: 'tool.notify', start_time: at(4), name: 'notify', call_id: 'call_9', arguments: '{}', error: 'mail server down', requestor: 'system' },
    { trace_id: 'trc_1', span_id: 'a2', span_name: 'message.assistant', start_time: at(5), role: 'assistant', content: 'It has shipped.' },
    { trace_id: 'trc_1', span_id: 'j1', span_name: 'grader.judge', start_time: at(6), role: 'assistant', grader_name: 'judge', content: 'PASS' },
    { trace_id: 'trc_1', span_id: 'g1', span_name: 'grader.Rubric', start_time: at(7), score: 1, criteria: [{ name: 'polite', passed: true }] },
    { trace_id: 'trc_1', span_id: 'e1', span_kind: 'event', span_name: 'event.retry', start_time: at(3.5), name: 'retry', details: {} },
  ];
  // A second turn of the same datapoint, in its own trace.
  const turn2 = [{ trace_id: 'trc_2', span_id: 'u2', span_name: 'message.user', start_time: at(60), role: 'user', content: 'Thanks!', datapoint_id: 'dp-1' }];

  it('lists every message and tool result of the session in start order, with roles, tool calls and flags', async () => {
    const { service, sourceId } = await open([...turn1, ...turn2]);
    const conversation = await conversationOf(service, sourceId, 'dp-1');
    expect(summarize(conversation)).toEqual([
      'system: You are a support agent.',
      'user: Where is ORD-1? | image',
      'assistant: Let me check. | call lookup_order({"order":"ORD-1"})',
      'tool: result shipped',
      // Nobody asked for this one: its call is shown with it.
      'assistant: call notify({})',
      'tool [error]: result mail server down',
      'assistant: It has shipped.',
      'assistant [grader]: PASS',
      'user: Thanks!',
    ]);
    expect(conversation).toMatchObject({ isCut: false, totalSpans: 8, maxMessages: 500, unreadableSpans: 0 });
    const user = conversation.messages[1];
    expect(user.parts[1]).toEqual({ type: 'image', url: 'caribou-image://i/9' });
    expect(conversation.messages[8].traceId).toBe('trc_2');
    expect(conversation.messages.map((m) => m.startUs)).toEqual([...conversation.messages.map((m) => m.startUs)].sort((a, b) => a! - b!));

    // Each message names its span: the waterfall row and the span detail are one key away.
    const rows = (await waterfall(service, sourceId, 'dp-1')).rows;
    const toolRow = rows.find((r) => r.spanId === 't1')!;
    expect(conversation.messages[3]).toMatchObject({ spanKey: toolRow.spanKey, spanId: 't1', traceId: 'trc_1' });
    const detail = await service.getSpanDetail({ sourceId, spanKey: conversation.messages[3].spanKey });
    expect(detail.ok && detail.value.row.name).toBe('tool.lookup_order');
  });

  it('restricts to one trace when asked', async () => {
    const { service, sourceId } = await open([...turn1, ...turn2]);
    expect(summarize(await conversationOf(service, sourceId, 'dp-1', 'trc_2'))).toEqual(['user: Thanks!']);
    expect((await conversationOf(service, sourceId, 'dp-1', 'trc_1')).messages).toHaveLength(8);
  });

  it('stops at 500 messages and says so', async () => {
    const records = Array.from({ length: 620 }, (_, i) => ({ trace_id: 'trc_long', span_id: `m${i}`, span_name: 'message.user', start_time: at(i), role: 'user', content: `message ${i}`, datapoint_id: 'long' }));
    const { service, sourceId } = await open(records.reverse());
    const conversation = await conversationOf(service, sourceId, 'long');
    expect(conversation.messages).toHaveLength(500);
    expect(conversation).toMatchObject({ isCut: true, totalSpans: 620, maxMessages: 500 });
    expect(summarize(conversation).slice(0, 2)).toEqual(['user: message 0', 'user: message 1']);
    expect(summarize(conversation)[499]).toBe('user: message 499');
  });

  it('is empty for a session without typed messages, and a failure for an unknown session or source', async () => {
    const { service, sourceId } = await open(compactConsoleSpan({ name: 'chat', traceId: 'c1', spanId: '1', startMs: 0, endMs: 5, attributes: { 'session.id': 'otel', 'gen_ai.operation.name': 'chat' } }));
    expect(await conversationOf(service, sourceId, 'otel')).toMatchObject({ messages: [], isCut: false, totalSpans: 0 });
    expect(await service.getTraceConversation({ sourceId, sessionId: 'nope' })).toEqual({ ok: false, error: 'no session "nope" in rollouts.jsonl' });
    expect(await service.getTraceConversation({ sourceId: 'zz', sessionId: 'otel' })).toEqual({ ok: false, error: 'no source zz' });
  });

  it('counts spans whose record changed since indexing as unreadable instead of failing', async () => {
    const { service, sourceId, file } = await open([...turn1]);
    // Same length, different bytes: the index still points at the old records.
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"Let me check."', '"Let me check!"').replace('"span_id":"u1"', '"span_id":"uX"'));
    const conversation = await conversationOf(service, sourceId, 'dp-1');
    expect(conversation.unreadableSpans).toBe(1);
    expect(summarize(conversation)).toContain('assistant: Let me check! | call lookup_order({"order":"ORD-1"})');
  });
});

describe('criteria synthesised from a Grade', () => {
  const run = { span_kind: 'trace_run', trace_id: 'trc_g', datapoint_id: 'dp-g', phase: 'eval', start_time: at(0), end_time: at(10), status: 'COMPLETED' };
  const grade = { trace_id: 'trc_g', span_id: 'g1', span_name: 'grader.Rubric', start_time: at(5), duration_ms: 500, score: 0.5, criteria: [{ name: 'polite', passed: true, score: 1 }, { name: 'resolved', passed: false, score: 0 }] };
  const realCriterion = { trace_id: 'trc_g', span_id: 'c1', parent_span_id: 'g1', span_kind: 'grader.criterion', start_time: at(5.1), name: 'polite', passed: true, score: 1, reasoning: 'Greets the user.' };

  it('are shown under their Grade, readable in span detail, and not counted as spans', async () => {
    const { service, sourceId } = await open([run, grade]);
    const window = await waterfall(service, sourceId, 'dp-g');
    expect(names(window.rows)).toEqual(['trace_run run:dp-g', 'grader.Rubric g1', '  grader.criterion g1#criterion-0', '  grader.criterion g1#criterion-1']);
    expect(window.totalSpans).toBe(2);
    expect((await service.listSources())[0].spans).toBe(2);
    expect(await service.getSession({ sourceId, sessionId: 'dp-g' })).toMatchObject({ ok: true, value: { spans: 2 } });

    const synthesized = window.rows[3];
    expect(synthesized).toMatchObject({ spanType: 'grader', isSynthesized: true, startUs: window.rows[1].startUs, endUs: window.rows[1].endUs });
    expect(window.rows[1].isSynthesized).toBeUndefined();
    const detail = await service.getSpanDetail({ sourceId, spanKey: synthesized.spanKey });
    if (!detail.ok) throw new Error(detail.error);
    expect(detail.value.attributes).toMatchObject({ name: 'resolved', passed: false, 'tracelight.synthesized': true });
    expect(detail.value.derived).toContainEqual({ field: 'score', value: 0, fromKey: 'score' });
    // Its record is the Grade's line.
    expect(detail.value.raw).toMatchObject({ line: 2 });
    expect(detail.value.raw.text).toContain('"criteria"');
  });

  it('are hidden when the Grade has real criterion spans, whether they come before or after it', async () => {
    for (const records of [[run, realCriterion, grade], [run, grade, realCriterion]]) {
      const { service, sourceId } = await open(records);
      const window = await waterfall(service, sourceId, 'dp-g');
      expect(names(window.rows)).toEqual(['trace_run run:dp-g', 'grader.Rubric g1', '  grader.criterion c1']);
      expect(window.totalSpans).toBe(3);
      expect(await service.getSession({ sourceId, sessionId: 'dp-g' })).toMatchObject({ ok: true, value: { spans: 3 } });
      await service.close();
    }
  });

  it('are hidden as soon as a real criterion is appended to the live file, and no count changes twice', async () => {
    const { service, sourceId, file } = await open([run, grade], true);
    const before = (await waterfall(service, sourceId, 'dp-g')).rows;
    expect(names(before)).toHaveLength(4);
    appendFileSync(file, jsonl([realCriterion]));
    await waitFor(async () => (await service.listSources())[0].spans === 3, 'the real criterion');
    const window = await waterfall(service, sourceId, 'dp-g');
    expect(names(window.rows)).toEqual(['trace_run run:dp-g', 'grader.Rubric g1', '  grader.criterion c1']);
    expect(window.totalSpans).toBe(3);
    expect(await service.getSession({ sourceId, sessionId: 'dp-g' })).toMatchObject({ ok: true, value: { spans: 3 } });
    // A link to a criterion that is hidden now says why.
    expect(await service.getSpanDetail({ sourceId, spanKey: before[2].spanKey })).toEqual({
      ok: false,
      error: "criterion g1#criterion-0 was read from its Grade's criteria list and is hidden: the Grade has real criterion spans now",
    });
  });
});

describe('run meta', () => {
  it('is merged per session, the latest run winning per key, and found by the sessions filter', async () => {
    const fixture = readFileSync(join(__dirname, '../fixtures/typed-agent/prod-multi-turn.jsonl'), 'utf8');
    const laterTurn = { trace_id: 'trc_sess-7', attributes: { datapoint_id: 'sess-7', phase: 'prod', run_id: 'my-agent', step: 3, status: 'COMPLETED', meta: { customer_id: 'cust_456', plan: 'pro' } }, start_time: '2026-05-11T09:02:00Z' };
    // The later turn is written first: the merge follows run starts, not lines.
    const { service, sourceId } = await open(jsonl([laterTurn]) + fixture);
    expect(await service.getSession({ sourceId, sessionId: 'sess-7' })).toMatchObject({ ok: true, value: { meta: { customer_id: 'cust_456', plan: 'pro' } } });
    const find = async (filter: string) => (await service.listSessions({ sourceId, filter, offset: 0, limit: 10 })).rows.map((r) => r.sessionId);
    expect(await find('cust_456')).toEqual(['sess-7']);
    expect(await find('cust_123')).toEqual([]);
  });
});
