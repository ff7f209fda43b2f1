/**
 * The engine on real files: written, appended record by record while it tails them,
 * truncated, rotated; its index in a real SQLite database in a temp cache folder.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TraceService } from '../../src/core/trace-service';
import type { TraceEvents } from '../../src/shared/contract/trace-api';
import { compactConsoleSpan, prettyConsoleSpan, usAt } from '../helpers/otel-console-span';
import { useTraceServiceHarness } from '../helpers/use-trace-service-harness';
import { waitFor } from '../helpers/wait-for';

const harness = useTraceServiceHarness('tracelight-src-');
const { makeService, openOne } = harness;

async function waterfallNames(service: TraceService, sourceId: string, sessionId: string, collapsedKeys: string[] = []) {
  const window = await service.getWaterfall({ sourceId, sessionId, collapsedKeys, offset: 0, limit: 100 });
  if (!window.ok) throw new Error(window.error);
  return window.value.rows.map((row) => `${'  '.repeat(row.depth)}${row.name}${row.isOrphan ? ' (parent missing)' : ''}`);
}

const session = { 'kitelogik.session_id': 'sess-1' };

describe('TraceService on real files', () => {
  it('indexes a pretty-printed console file into sessions and a span tree', async () => {
    const file = join(harness.dir, 'traces.jsonl');
    writeFileSync(
      file,
      [
        prettyConsoleSpan({ name: 'policy_gate.evaluate', traceId: 'a1', spanId: '3', parentId: '2', startMs: 120, endMs: 125, status: 'ERROR', description: 'Hard blocked by security policy', attributes: { 'kitelogik.policy.allow': false, 'kitelogik.policy.deny': true, 'kitelogik.policy.risk_tier': 'DESTRUCTIVE' } }),
        prettyConsoleSpan({ name: 'kitelogik.adapter.tool_call', traceId: 'a1', spanId: '2', parentId: '1', startMs: 110, endMs: 130, attributes: { ...session, 'kitelogik.allowed': false } }),
        prettyConsoleSpan({ name: 'chat gpt-4o', traceId: 'a1', spanId: '4', parentId: '1', startMs: 10, endMs: 100, attributes: { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o', 'gen_ai.usage.input_tokens': 120, 'gen_ai.usage.output_tokens': 30 } }),
        prettyConsoleSpan({ name: 'agent_session', traceId: 'a1', spanId: '1', startMs: 0, endMs: 200, attributes: session }),
        prettyConsoleSpan({ name: 'agent_session', traceId: 'b2', spanId: '5', startMs: 1000, endMs: 1300, attributes: { 'kitelogik.session_id': 'sess-2' } }),
      ].join(''),
    );
    const service = makeService(false);
    const { sourceId } = await openOne(service, file);
    await service.whenIdle();

    const [info] = await service.listSources();
    expect(info).toMatchObject({ format: 'otel-console', spans: 5, traces: 2, sessions: 2, errors: 0, status: 'idle' });

    const page = await service.listSessions({ sourceId, sortBy: 'start', sortDir: 'asc', offset: 0, limit: 10 });
    expect(page.rows.map((s) => s.sessionId)).toEqual(['sess-1', 'sess-2']);
    expect(page.rows[0]).toMatchObject({
      sessionKeySource: 'kitelogik.session_id',
      spans: 4,
      traces: 1,
      errors: 0, // the gate's ERROR is a verdict, not a crash
      denials: 1,
      inputTokens: 120,
      outputTokens: 30,
      models: ['gpt-4o'],
      startUs: usAt(0),
      durationUs: 200_000,
    });

    expect(await waterfallNames(service, sourceId, 'sess-1')).toEqual([
      'agent_session',
      '  chat gpt-4o',
      '  kitelogik.adapter.tool_call',
      '    policy_gate.evaluate',
    ]);
    const window = await service.getWaterfall({ sourceId, sessionId: 'sess-1', collapsedKeys: [], offset: 0, limit: 100 });
    if (!window.ok) throw new Error(window.error);
    const gate = window.value.rows[3];
    expect(gate).toMatchObject({ spanType: 'policy', status: 'error', decision: 'deny', startUs: usAt(120), endUs: usAt(125) });
    const adapterKey = window.value.rows[2].spanKey;
    expect(await waterfallNames(service, sourceId, 'sess-1', [adapterKey])).toEqual(['agent_session', '  chat gpt-4o', '  kitelogik.adapter.tool_call']);
  });

  it('reads span details back from the file, with the raw record exactly as written', async () => {
    const file = join(harness.dir, 'traces.jsonl');
    const record = prettyConsoleSpan({ name: 'chat claude', traceId: 'c3', spanId: '7', startMs: 0, endMs: 50, attributes: { 'llm.model_name': 'claude-sonnet-4', 'session.id': 'chat-9', note: 'ünïcödé' } });
    writeFileSync(file, `noise before\n${record}`);
    const service = makeService(false);
    const { sourceId } = await openOne(service, file);
    await service.whenIdle();
    const window = await service.getWaterfall({ sourceId, sessionId: 'chat-9', collapsedKeys: [], offset: 0, limit: 10 });
    if (!window.ok) throw new Error(window.error);
    const detail = await service.getSpanDetail({ sourceId, spanKey: window.value.rows[0].spanKey });
    if (!detail.ok) throw new Error(detail.error);
    expect(detail.value.raw.text).toBe(record.trimEnd());
    expect(detail.value.raw).toMatchObject({ line: 2, offset: Buffer.byteLength('noise before\n') });
    expect(detail.value.attributes.note).toBe('ünïcödé');
    expect(detail.value.resource).toEqual({ 'service.name': 'test-agent' });
    expect(detail.value.derived).toContainEqual({ field: 'model', value: 'claude-sonnet-4', fromKey: 'llm.model_name' });
    expect(detail.value.derived).toContainEqual({ field: 'session', value: 'chat-9', fromKey: 'session.id' });
  });

  it('turns a bad record into an error with line, offset and reason, and keeps everything around it', async () => {
    const file = join(harness.dir, 'traces.jsonl');
    const first = compactConsoleSpan({ name: 'one', traceId: 'd4', spanId: '1', startMs: 0 });
    const bad = '{"name": "broken", "context": {"trace_id": }\n';
    const unknown = '{"hello": "world"}\n';
    const last = compactConsoleSpan({ name: 'two', traceId: 'd4', spanId: '2', parentId: '1', startMs: 5 });
    writeFileSync(file, first + bad + unknown + last);
    const service = makeService(false);
    const { sourceId } = await openOne(service, file);
    await service.whenIdle();
    const [info] = await service.listSources();
    expect(info).toMatchObject({ spans: 2, errors: 2 });
    const errors = await service.listErrors({ sourceId, offset: 0, limit: 10 });
    expect(errors.rows[0]).toMatchObject({ line: 2, offset: Buffer.byteLength(first) });
    expect(errors.rows[0].reason).toMatch(/^(invalid|incomplete) JSON/);
    expect(errors.rows[1]).toMatchObject({ line: 3, offset: Buffer.byteLength(first + bad), reason: 'not a trace format Tracelight knows: top-level keys hello' });
  });

  it('follows appends live: a partial record waits, a child before its parent is re-parented', async () => {
    const file = join(harness.dir, 'live.jsonl');
    writeFileSync(file, '');
    const service = makeService(true);
    const appended: TraceEvents['spansAppended'][] = [];
    service.subscribe((name, payload) => {
      if (name === 'spansAppended') appended.push(payload as TraceEvents['spansAppended']);
    });
    const { sourceId } = await openOne(service, file);

    const child = prettyConsoleSpan({ name: 'tool', traceId: 'e5', spanId: '2', parentId: '1', startMs: 10, attributes: session });
    appendFileSync(file, child.slice(0, 40));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await service.listSources())[0]).toMatchObject({ spans: 0, errors: 0 });

    appendFileSync(file, child.slice(40));
    await waitFor(async () => (await service.listSources())[0].spans === 1, 'the completed child');
    expect(await waterfallNames(service, sourceId, 'sess-1')).toEqual(['tool (parent missing)']);
    await waitFor(() => appended.some((e) => e.sessionId === 'sess-1' && e.count === 1), 'a spansAppended event');

    appendFileSync(file, prettyConsoleSpan({ name: 'agent_session', traceId: 'e5', spanId: '1', startMs: 0, endMs: 100, attributes: session }));
    await waitFor(async () => (await service.listSources())[0].spans === 2, 'the parent');
    expect(await waterfallNames(service, sourceId, 'sess-1')).toEqual(['agent_session', '  tool']);
    expect((await service.listSources())[0]).toMatchObject({ errors: 0, status: 'live', isLive: true });
  });

  it('moves a trace into its session when a later span names the session', async () => {
    const file = join(harness.dir, 'live.jsonl');
    writeFileSync(file, compactConsoleSpan({ name: 'inner', traceId: 'f6', spanId: '2', parentId: '1', startMs: 5 }));
    const service = makeService(true);
    const { sourceId } = await openOne(service, file);
    await waitFor(async () => (await service.listSessions({ sourceId, offset: 0, limit: 10 })).total === 1, 'the fallback session');
    expect((await service.listSessions({ sourceId, offset: 0, limit: 10 })).rows[0]).toMatchObject({ sessionId: 'f6'.padStart(32, '0'), sessionKeySource: 'trace id' });
    appendFileSync(file, compactConsoleSpan({ name: 'root', traceId: 'f6', spanId: '1', startMs: 0, attributes: { 'session.id': 'named' } }));
    await waitFor(async () => (await service.listSessions({ sourceId, offset: 0, limit: 10 })).rows[0]?.sessionId === 'named', 'the named session');
    const page = await service.listSessions({ sourceId, offset: 0, limit: 10 });
    expect(page.total).toBe(1);
    expect(page.rows[0]).toMatchObject({ spans: 2, sessionKeySource: 'session.id' });
  });

  it('starts over when the file is truncated, and when it is replaced by another file', async () => {
    const file = join(harness.dir, 'rotating.jsonl');
    writeFileSync(file, compactConsoleSpan({ name: 'a', traceId: '1', spanId: '1', startMs: 0 }) + compactConsoleSpan({ name: 'b', traceId: '2', spanId: '2', startMs: 0 }));
    const service = makeService(true);
    const resets: string[] = [];
    service.subscribe((name) => {
      if (name === 'sourceReset') resets.push(name);
    });
    await openOne(service, file);
    await waitFor(async () => (await service.listSources())[0].spans === 2, 'two spans');

    writeFileSync(file, compactConsoleSpan({ name: 'c', traceId: '3', spanId: '3', startMs: 0 }));
    await waitFor(async () => {
      const [info] = await service.listSources();
      return info.spans === 1 && info.traces === 1;
    }, 'the truncated file re-read');

    renameSync(file, `${file}.1`);
    writeFileSync(`${file}.new`, compactConsoleSpan({ name: 'd', traceId: '4', spanId: '4', startMs: 0 }) + compactConsoleSpan({ name: 'e', traceId: '5', spanId: '5', startMs: 0 }) + compactConsoleSpan({ name: 'f', traceId: '6', spanId: '6', startMs: 0 }));
    renameSync(`${file}.new`, file);
    await waitFor(async () => (await service.listSources())[0].spans === 3, 'the rotated file read from its start');
    await waitFor(() => resets.length >= 2, 'a sourceReset event for each start-over');
  });

  it('resumes an unchanged file from its last offset when reopened, and re-indexes a rewritten one', async () => {
    const file = join(harness.dir, 'resume.jsonl');
    writeFileSync(file, compactConsoleSpan({ name: 'a', traceId: '1', spanId: '1', startMs: 0 }));
    const first = makeService(false);
    await openOne(first, file);
    await first.whenIdle();
    await first.close();

    appendFileSync(file, compactConsoleSpan({ name: 'b', traceId: '1', spanId: '2', parentId: '1', startMs: 1 }));
    const second = makeService(false);
    await openOne(second, file);
    await second.whenIdle();
    expect((await second.listSources())[0]).toMatchObject({ spans: 2, traces: 1, sessions: 1 });
    await second.close();

    writeFileSync(file, compactConsoleSpan({ name: 'z', traceId: '9', spanId: '9', startMs: 0 }) + compactConsoleSpan({ name: 'y', traceId: '8', spanId: '8', startMs: 0 }));
    const third = makeService(false);
    await openOne(third, file);
    await third.whenIdle();
    expect((await third.listSources())[0]).toMatchObject({ spans: 2, traces: 2 });
  });

  it('reads OTLP/JSON with one trace spread over several export requests', async () => {
    const file = join(harness.dir, 'otlp.jsonl');
    const request = (spans: object[]) =>
      JSON.stringify({ resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] }, scopeSpans: [{ scope: { name: 'lib' }, spans }] }] }) + '\n';
    const traceId = '5B8EFFF798038103D269B633813FC60C';
    writeFileSync(
      file,
      request([{ traceId, spanId: 'EEE19B7EC3C1B174', parentSpanId: 'EEE19B7EC3C1B173', name: 'llm', kind: 3, startTimeUnixNano: '1544712660300000000', endTimeUnixNano: '1544712660600000000', attributes: [{ key: 'openinference.span.kind', value: { stringValue: 'LLM' } }, { key: 'llm.token_count.prompt', value: { intValue: '42' } }, { key: 'session.id', value: { stringValue: 'otlp-session' } }], status: {} }]) +
        request([{ traceId, spanId: 'EEE19B7EC3C1B173', parentSpanId: '', name: 'root', kind: 1, startTimeUnixNano: '1544712660000000000', endTimeUnixNano: '1544712661000000000', attributes: [{ key: 'session.id', value: { stringValue: 'otlp-session' } }], status: { code: 2, message: 'boom' } }]),
    );
    const service = makeService(false);
    const { sourceId } = await openOne(service, file);
    await service.whenIdle();
    expect((await service.listSources())[0]).toMatchObject({ format: 'otlp-json', spans: 2, traces: 1, sessions: 1 });
    expect(await waterfallNames(service, sourceId, 'otlp-session')).toEqual(['root', '  llm']);
    const session = await service.getSession({ sourceId, sessionId: 'otlp-session' });
    expect(session).toMatchObject({ ok: true, value: { errors: 1, inputTokens: 42, startUs: 1544712660000000, endUs: 1544712661000000 } });
  });

  it('opens every trace file in a folder and picks up new ones, never writing beside them', async () => {
    writeFileSync(join(harness.dir, 'a.jsonl'), compactConsoleSpan({ name: 'a', traceId: '1', spanId: '1', startMs: 0 }));
    writeFileSync(join(harness.dir, 'notes.txt'), 'just some notes\n');
    const service = makeService(true);
    const opened = await service.openPath({ path: harness.dir });
    expect(opened.ok && opened.value.map((s) => s.name)).toEqual(['a.jsonl']);
    writeFileSync(join(harness.dir, 'b.json'), compactConsoleSpan({ name: 'b', traceId: '2', spanId: '2', startMs: 0 }));
    await waitFor(async () => (await service.listSources()).length === 2, 'the new file in the folder');
    await waitFor(async () => (await service.listSessions({ offset: 0, limit: 10 })).total === 2, 'sessions of both files');
    expect(readdirSync(harness.dir).sort()).toEqual(['a.jsonl', 'b.json', 'notes.txt']);
  });

  it('opens the trace files of subfolders (an export kept in folders), skips hidden ones, and watches them', async () => {
    const at = (...parts: string[]) => join(harness.dir, ...parts);
    for (const folder of ['traces', 'observations/2026-05-11', '.cache', 'a/b/c/d']) mkdirSync(at(folder), { recursive: true });
    writeFileSync(at('traces', 't.jsonl'), compactConsoleSpan({ name: 'top', traceId: '1', spanId: '1', startMs: 0 }));
    writeFileSync(at('observations/2026-05-11', 'o.jsonl'), compactConsoleSpan({ name: 'deep', traceId: '2', spanId: '2', startMs: 0 }));
    writeFileSync(at('.cache', 'hidden.jsonl'), compactConsoleSpan({ name: 'hidden', traceId: '3', spanId: '3', startMs: 0 }));
    // Four levels below the folder: deeper than a folder is read.
    writeFileSync(at('a/b/c/d', 'too-deep.jsonl'), compactConsoleSpan({ name: 'too deep', traceId: '4', spanId: '4', startMs: 0 }));
    const service = makeService(true);
    const opened = await service.openPath({ path: harness.dir });
    expect(opened.ok && opened.value.map((s) => s.path.slice(harness.dir.length + 1))).toEqual(['observations/2026-05-11/o.jsonl', 'traces/t.jsonl']);
    mkdirSync(at('scores'));
    writeFileSync(at('scores', 's.jsonl'), compactConsoleSpan({ name: 'later', traceId: '5', spanId: '5', startMs: 0 }));
    await waitFor(async () => (await service.listSources()).some((s) => s.name === 's.jsonl'), 'the file in a new subfolder');
    expect((await service.listSources()).map((s) => s.name).sort()).toEqual(['o.jsonl', 's.jsonl', 't.jsonl']);
  });

  it('reads a whole-file JSON array, one element per line, without cutting it apart', async () => {
    const file = join(harness.dir, 'array.json');
    const elements = Array.from({ length: 300 }, (_, i) =>
      compactConsoleSpan({ name: `step ${i}`, traceId: 'ab', spanId: String(i + 2), parentId: '1', startMs: i, attributes: { 'session.id': 'arr' } }).trimEnd(),
    );
    elements.push(compactConsoleSpan({ name: 'root', traceId: 'ab', spanId: '1', startMs: 0, endMs: 400 }).trimEnd());
    // Big enough to span several read windows, so the array must not be cut at its elements.
    const padding = ` ${'x'.repeat(2000)}`;
    writeFileSync(file, `[\n${elements.map((e) => e.replace('"events"', `"padding": "${padding}", "events"`)).join(',\n')}\n]\n`);
    const service = makeService(false);
    const { sourceId } = await openOne(service, file);
    await service.whenIdle();
    expect((await service.listSources())[0]).toMatchObject({ spans: 301, errors: 0, sessions: 1 });
    const names = await waterfallNames(service, sourceId, 'arr');
    expect(names[0]).toBe('root');
    expect(names[1]).toBe('  step 0');
  });

  it('reads typed agent spans: grader calls are not agent usage, and the conversation comes with the detail', async () => {
    const file = join(harness.dir, 'rollouts.jsonl');
    const lines = [
      { span_kind: 'trace_run', trace_id: 'trc_7', datapoint_id: 'dp-7', phase: 'eval', status: 'COMPLETED' },
      { trace_id: 'trc_7', span_id: 'u1', span_name: 'message.user', start_time: 1778486537.0, role: 'user', content: 'Where is order 7?' },
      { trace_id: 'trc_7', span_id: 'a1', span_name: 'message.assistant', start_time: 1778486538.0, duration_ms: 900, role: 'assistant', content: 'Checking now.', model: 'gpt-4o', input_tokens: 100, output_tokens: 20, cost_usd: 0.002 },
      { trace_id: 'trc_7', span_id: 'j1', span_name: 'grader.judge', start_time: 1778486540.0, duration_ms: 500, role: 'assistant', grader_name: 'judge', content: 'PASS', model: 'gpt-4o-mini', input_tokens: 999, output_tokens: 9 },
      { trace_id: 'trc_7', span_id: 'g1', span_name: 'grader.RubricGrader', start_time: 1778486541.0, score: 0.5, grader_type: 'RubricGrader' },
    ];
    writeFileSync(file, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
    const service = makeService(false);
    const { sourceId } = await openOne(service, file);
    await service.whenIdle();
    expect((await service.listSources())[0]).toMatchObject({ format: 'typed-agent', errors: 0 });
    const { rows } = await service.listSessions({ sourceId, offset: 0, limit: 10 });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ sessionId: 'dp-7', inputTokens: 100, outputTokens: 20 });
    const window = await service.getWaterfall({ sourceId, sessionId: 'dp-7', collapsedKeys: [], offset: 0, limit: 10 });
    if (!window.ok) throw new Error(window.error);
    const assistant = window.value.rows.find((row) => row.spanId === 'a1')!;
    expect(assistant.spanType).toBe('llm');
    const detail = await service.getSpanDetail({ sourceId, spanKey: assistant.spanKey });
    if (!detail.ok) throw new Error(detail.error);
    expect(JSON.stringify(detail.value.conversation)).toContain('Checking now.');
  });

  it('does not show a finished typed run without times as running', async () => {
    const file = join(harness.dir, 'eval-rollout.jsonl');
    writeFileSync(file, readFileSync(join(__dirname, '../fixtures/typed-agent/eval-rollout.jsonl')));
    const service = makeService(false);
    const { sourceId } = await openOne(service, file);
    await service.whenIdle();
    const session = await service.getSession({ sourceId, sessionId: 'dp-3' });
    expect(session).toMatchObject({ ok: true, value: { hasOpenSpans: false } });
    const window = await service.getWaterfall({ sourceId, sessionId: 'dp-3', collapsedKeys: [], offset: 0, limit: 20 });
    if (!window.ok) throw new Error(window.error);
    const run = window.value.rows.find((row) => row.name === 'trace_run')!;
    expect(run.endUs).toBe(run.startUs);
  });

  it('keeps OTel log records as logs and shows them with the span they were written in', async () => {
    const file = join(harness.dir, 'mixed.jsonl');
    const log = (body: string, spanId: string | null, severity: string) =>
      JSON.stringify({
        body,
        severity_number: `<SeverityNumber.${severity}: 13>`,
        severity_text: severity,
        attributes: { 'code.function': 'lookup' },
        timestamp: '2026-11-20T14:00:00.050000Z',
        trace_id: spanId ? `0x${'a7'.padStart(32, '0')}` : '0x00000000000000000000000000000000',
        span_id: spanId ? `0x${spanId.padStart(16, '0')}` : '0x0000000000000000',
        trace_flags: 1,
        resource: { attributes: {}, schema_url: '' },
      }) + '\n';
    writeFileSync(
      file,
      log('order lookup slow', '2', 'WARN') +
        log('startup', null, 'INFO') +
        compactConsoleSpan({ name: 'lookup', traceId: 'a7', spanId: '2', parentId: '1', startMs: 10, endMs: 90 }) +
        compactConsoleSpan({ name: 'root', traceId: 'a7', spanId: '1', startMs: 0, endMs: 100, attributes: { 'session.id': 'logs' } }),
    );
    const service = makeService(false);
    const { sourceId } = await openOne(service, file);
    await service.whenIdle();
    expect((await service.listSources())[0]).toMatchObject({ spans: 2, logs: 2, errors: 0 });
    const window = await service.getWaterfall({ sourceId, sessionId: 'logs', collapsedKeys: [], offset: 0, limit: 10 });
    if (!window.ok) throw new Error(window.error);
    const lookup = window.value.rows.find((row) => row.name === 'lookup')!;
    const detail = await service.getSpanDetail({ sourceId, spanKey: lookup.spanKey });
    expect(detail.ok && detail.value.logs).toEqual([{ timeUs: usAt(50), severity: 'WARN', body: 'order lookup slow', line: 1 }]);
  });

  it('summarises typed runs per session: worst status and the union of tags, searchable', async () => {
    const file = join(harness.dir, 'prod.jsonl');
    writeFileSync(file, readFileSync(join(__dirname, '../fixtures/typed-agent/prod-multi-turn.jsonl')));
    const service = makeService(false);
    const { sourceId } = await openOne(service, file);
    await service.whenIdle();
    const session = await service.getSession({ sourceId, sessionId: 'sess-7' });
    expect(session).toMatchObject({ ok: true, value: { runStatus: 'error', tags: ['api_v2', 'premium_tier'] } });
    const byTag = await service.listSessions({ sourceId, filter: 'premium', offset: 0, limit: 10 });
    expect(byTag.rows.map((row) => row.sessionId)).toEqual(['sess-7']);
  });

  it('flags spans outside their parent (clock skew) and draws them as recorded', async () => {
    const file = join(harness.dir, 'skew.jsonl');
    const session = { 'session.id': 'skew' };
    writeFileSync(
      file,
      compactConsoleSpan({ name: 'root', traceId: 'c1', spanId: '1', startMs: 100, endMs: 500, attributes: session }) +
        compactConsoleSpan({ name: 'inside', traceId: 'c1', spanId: '2', parentId: '1', startMs: 150, endMs: 200 }) +
        compactConsoleSpan({ name: 'early', traceId: 'c1', spanId: '3', parentId: '1', startMs: 40, endMs: 120 }) +
        compactConsoleSpan({ name: 'late', traceId: 'c1', spanId: '4', parentId: '1', startMs: 450, endMs: 700 }),
    );
    const service = makeService(false);
    const { sourceId } = await openOne(service, file);
    await service.whenIdle();
    const window = await service.getWaterfall({ sourceId, sessionId: 'skew', collapsedKeys: [], offset: 0, limit: 10 });
    if (!window.ok) throw new Error(window.error);
    expect(window.value.rows.map((r) => [r.name, r.isOutsideParent])).toEqual([
      ['root', false],
      ['early', true],
      ['inside', false],
      ['late', true],
    ]);
    expect(window.value.rows[1].startUs).toBe(usAt(40));
    expect(window.value.startUs).toBe(usAt(40));
    expect(window.value.endUs).toBe(usAt(700));
  });

  it('pages sessions across all sources past the first few thousand, in one sorted order', async () => {
    const write = (name: string, count: number, startMs: number) => {
      const lines: string[] = [];
      for (let i = 0; i < count; i++) {
        lines.push(compactConsoleSpan({ name: 'turn', traceId: `${name}${i}`, spanId: '1', startMs: startMs + i * 2, attributes: { 'session.id': `${name}-${String(i).padStart(5, '0')}` } }));
      }
      writeFileSync(join(harness.dir, `${name}.jsonl`), lines.join(''));
    };
    write('a', 1500, 0);
    write('b', 1500, 1);
    const service = makeService(false);
    await openOne(service, join(harness.dir, 'a.jsonl'));
    await openOne(service, join(harness.dir, 'b.jsonl'));
    await service.whenIdle();
    const page = await service.listSessions({ sortBy: 'start', sortDir: 'asc', offset: 2500, limit: 100 });
    expect(page.total).toBe(3000);
    expect(page.rows).toHaveLength(100);
    // Interleaved by start: a-1250, b-1250, a-1251, b-1251 ...
    expect(page.rows.slice(0, 4).map((row) => row.sessionId)).toEqual(['a-01250', 'b-01250', 'a-01251', 'b-01251']);
    const last = await service.listSessions({ sortBy: 'start', sortDir: 'asc', offset: 2990, limit: 100 });
    expect(last.rows.map((row) => row.sessionId).slice(-2)).toEqual(['a-01499', 'b-01499']);
  });

  it('never modifies the file it reads', async () => {
    const file = join(harness.dir, 'traces.jsonl');
    writeFileSync(file, prettyConsoleSpan({ name: 'a', traceId: '1', spanId: '1', startMs: 0 }));
    const before = { bytes: readFileSync(file), mtimeMs: statSync(file).mtimeMs };
    const service = makeService(true);
    await openOne(service, file);
    await service.whenIdle();
    await service.close();
    expect(readFileSync(file).equals(before.bytes)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(before.mtimeMs);
  });

  it('says clearly when a path cannot be opened', async () => {
    const service = makeService(false);
    const missing = await service.openPath({ path: join(harness.dir, 'nope.jsonl') });
    expect(missing).toEqual({ ok: false, error: `${join(harness.dir, 'nope.jsonl')}: no such file or folder` });
  });
});
