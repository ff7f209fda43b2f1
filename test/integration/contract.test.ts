/**
 * The same contract suite over both transports a shell uses: an in-memory pair (as the
 * Electron IPC host is wired) and the web shell's real WebSocket. The engine behind is real,
 * reading real files in a temp folder.
 */
import { appendFileSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TraceService } from '../../src/core/trace-service';
import { startWebServer, type WebServer } from '../../src/server/start-web-server';
import { connectWebSocketTransport, type WebSocketClientTransport } from '../../src/server/ws-client-transport';
import type { TraceEvents } from '../../src/shared/contract/trace-api';
import { createClient, type TraceClient } from '../../src/shared/rpc/create-client';
import { createMemoryTransportPair } from '../../src/shared/rpc/rpc-transport';
import { serveApi } from '../../src/shared/rpc/serve-api';
import { compactConsoleSpan } from '../helpers/otel-console-span';
import { makeTempDir } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait-for';

interface Harness {
  client: TraceClient;
  close(): Promise<void>;
}

async function makeMemoryHarness(service: TraceService): Promise<Harness> {
  const [serverSide, clientSide] = createMemoryTransportPair();
  const stop = serveApi(service, service, serverSide);
  const client = createClient(clientSide);
  return { client, close: async () => (client.close(), stop()) };
}

async function makeWebSocketHarness(service: TraceService, rendererDir: string): Promise<Harness> {
  const server: WebServer = await startWebServer({ service, rendererDir });
  const transport: WebSocketClientTransport = await connectWebSocketTransport(server.url);
  const client = createClient(transport);
  return {
    client,
    close: async () => {
      client.close();
      await transport.close();
      await server.close();
    },
  };
}

const transports: [string, (service: TraceService, rendererDir: string) => Promise<Harness>][] = [
  ['in-memory transport', (service) => makeMemoryHarness(service)],
  ['WebSocket of the web shell', makeWebSocketHarness],
];

describe.each(transports)('TraceApi over the %s', (_name, makeHarness) => {
  let dir: { path: string; remove: () => void };
  let service: TraceService;
  let harness: Harness;
  let client: TraceClient;
  let demo: string;
  let live: string;

  beforeAll(async () => {
    dir = makeTempDir('tracelight-contract-');
    demo = join(dir.path, 'agent-traces.jsonl');
    copyFileSync(join(__dirname, '../../resources/demo/agent-traces.jsonl'), demo);
    live = join(dir.path, 'live.jsonl');
    writeFileSync(live, '');
    const rendererDir = join(dir.path, 'renderer');
    mkdirSync(rendererDir);
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
    service = new TraceService({ cacheDir: join(dir.path, 'cache'), watch: true });
    harness = await makeHarness(service, rendererDir);
    client = harness.client;
  });

  afterAll(async () => {
    await harness.close();
    await service.close();
    dir.remove();
  });

  it('opens a file and lists it as a source', async () => {
    const opened = await client.openPath({ path: demo });
    expect(opened.ok).toBe(true);
    await waitFor(async () => (await client.listSources())[0]?.status === 'live', 'the demo read to its end');
    const [source] = await client.listSources();
    expect(source).toMatchObject({ name: 'agent-traces.jsonl', format: 'otel-console', errors: 0, isLive: true });
    expect(source.spans).toBeGreaterThan(100);
    expect(source.sessions).toBeGreaterThan(3);
  });

  it('pages, sorts and filters sessions', async () => {
    const [source] = await client.listSources();
    const all = await client.listSessions({ sourceId: source.sourceId, sortBy: 'spans', sortDir: 'desc', offset: 0, limit: 1000 });
    expect(all.total).toBe(source.sessions);
    const reviews = await client.listSessions({ sourceId: source.sourceId, sortBy: 'humanReviews', sortDir: 'desc', offset: 0, limit: 1000 });
    expect(reviews.rows.map((s) => s.humanReviews)).toEqual(all.rows.map((s) => s.humanReviews).sort((a, b) => b - a));
    const spans = all.rows.map((s) => s.spans);
    expect(spans).toEqual([...spans].sort((a, b) => b - a));
    expect(spans.reduce((a, b) => a + b, 0)).toBe(source.spans);
    const second = await client.listSessions({ sourceId: source.sourceId, sortBy: 'spans', sortDir: 'desc', offset: 1, limit: 2 });
    expect(second.rows.map((s) => s.sessionId)).toEqual(all.rows.slice(1, 3).map((s) => s.sessionId));
    const target = all.rows[0].sessionId;
    const filtered = await client.listSessions({ sourceId: source.sourceId, filter: target.slice(2, 9).toUpperCase(), offset: 0, limit: 10 });
    expect(filtered.rows.map((s) => s.sessionId)).toContain(target);
  });

  it('returns waterfall windows of the flattened tree, honouring collapsed spans', async () => {
    const [source] = await client.listSources();
    const [session] = (await client.listSessions({ sourceId: source.sourceId, sortBy: 'spans', sortDir: 'desc', offset: 0, limit: 1 })).rows;
    const full = await client.getWaterfall({ sourceId: source.sourceId, sessionId: session.sessionId, collapsedKeys: [], offset: 0, limit: 1000 });
    if (!full.ok) throw new Error(full.error);
    expect(full.value.totalRows).toBe(session.spans);
    const windowed = await client.getWaterfall({ sourceId: source.sourceId, sessionId: session.sessionId, collapsedKeys: [], offset: 5, limit: 3 });
    expect(windowed.ok && windowed.value.rows.map((r) => r.spanKey)).toEqual(full.value.rows.slice(5, 8).map((r) => r.spanKey));
    const parent = full.value.rows.find((r) => r.childCount > 0 && r.depth > 0)!;
    const collapsed = await client.getWaterfall({ sourceId: source.sourceId, sessionId: session.sessionId, collapsedKeys: [parent.spanKey], offset: 0, limit: 1000 });
    if (!collapsed.ok) throw new Error(collapsed.error);
    expect(collapsed.value.totalRows).toBeLessThan(full.value.totalRows);
    expect(collapsed.value.rows.find((r) => r.spanKey === parent.spanKey)?.isCollapsed).toBe(true);
    expect(collapsed.value.rows.some((r) => r.parentKey === parent.spanKey)).toBe(false);

    const child = full.value.rows.find((r) => r.parentKey === parent.spanKey)!;
    const childRow = full.value.rows.indexOf(child);
    const revealed = await client.getWaterfall({ sourceId: source.sourceId, sessionId: session.sessionId, collapsedKeys: [], offset: 0, limit: 1, revealKey: child.spanKey });
    expect(revealed.ok && revealed.value.revealIndex).toBe(childRow);
    expect(revealed.ok && revealed.value.revealAncestorKeys.at(-1)).toBe(parent.spanKey);
    const hidden = await client.getWaterfall({ sourceId: source.sourceId, sessionId: session.sessionId, collapsedKeys: [parent.spanKey], offset: 0, limit: 1, revealKey: child.spanKey });
    expect(hidden.ok && hidden.value.revealIndex).toBeNull();
  });

  it('prepares a session ahead of its first window, and says when there is no such session', async () => {
    const [source] = await client.listSources();
    const [session] = (await client.listSessions({ sourceId: source.sourceId, offset: 0, limit: 1 })).rows;
    expect(await client.prepareSession({ sourceId: source.sourceId, sessionId: session.sessionId })).toEqual({ ok: true, value: null });
    const window = await client.getWaterfall({ sourceId: source.sourceId, sessionId: session.sessionId, collapsedKeys: [], offset: 0, limit: 1000 });
    expect(window.ok && window.value.totalRows).toBe(session.spans);
    expect(await client.prepareSession({ sourceId: source.sourceId, sessionId: 'no-such-session' })).toMatchObject({ ok: false });
    expect(await client.prepareSession({ sourceId: 'no-such-source', sessionId: session.sessionId })).toEqual({ ok: false, error: 'no source no-such-source' });
  });

  it('returns span detail with attributes, resource, provenance and the raw record', async () => {
    const [source] = await client.listSources();
    const [session] = (await client.listSessions({ sourceId: source.sourceId, sortBy: 'tokens', sortDir: 'desc', offset: 0, limit: 1 })).rows;
    const window = await client.getWaterfall({ sourceId: source.sourceId, sessionId: session.sessionId, collapsedKeys: [], offset: 0, limit: 1000 });
    if (!window.ok) throw new Error(window.error);
    const llm = window.value.rows.find((r) => r.spanType === 'llm')!;
    const detail = await client.getSpanDetail({ sourceId: source.sourceId, spanKey: llm.spanKey });
    if (!detail.ok) throw new Error(detail.error);
    expect(detail.value.row.spanKey).toBe(llm.spanKey);
    expect(detail.value.resource['service.name']).toBeTruthy();
    expect(detail.value.derived.some((d) => d.field === 'model')).toBe(true);
    expect(JSON.parse(detail.value.raw.text).context.span_id).toBe(`0x${llm.spanId}`);
  });

  it('answers expected failures as values', async () => {
    expect(await client.getSpanDetail({ sourceId: 'nope', spanKey: '1' })).toEqual({ ok: false, error: 'no source nope' });
    const missing = await client.openPath({ path: join(dir.path, 'missing.jsonl') });
    expect(missing.ok).toBe(false);
  });

  it('reads a typed session as one conversation', async () => {
    const typed = join(dir.path, 'eval-rollout.jsonl');
    copyFileSync(join(__dirname, '../fixtures/typed-agent/eval-rollout.jsonl'), typed);
    const opened = await client.openPath({ path: typed });
    if (!opened.ok) throw new Error(opened.error);
    const sourceId = opened.value[0].sourceId;
    await waitFor(async () => (await client.listSources()).find((s) => s.sourceId === sourceId)?.spans === 7, 'the typed file read');
    const conversation = await client.getTraceConversation({ sourceId, sessionId: 'dp-3' });
    if (!conversation.ok) throw new Error(conversation.error);
    expect(conversation.value.messages.map((m) => [m.role, m.isError])).toEqual([
      ['user', false],
      ['assistant', false],
      ['tool', true],
    ]);
    expect(await client.getTraceConversation({ sourceId, sessionId: 'nope' })).toEqual({ ok: false, error: 'no session "nope" in eval-rollout.jsonl' });
  });

  it('pushes events when a followed file grows', async () => {
    const events: TraceEvents['spansAppended'][] = [];
    const unsubscribe = client.subscribe((name, payload) => {
      if (name === 'spansAppended') events.push(payload as TraceEvents['spansAppended']);
    });
    const opened = await client.openPath({ path: live });
    if (!opened.ok) throw new Error(opened.error);
    appendFileSync(live, compactConsoleSpan({ name: 'step', traceId: 'abc', spanId: '1', startMs: 0, attributes: { 'session.id': 'live-session' } }));
    await waitFor(() => events.find((e) => e.sessionId === 'live-session'), 'spansAppended for live-session');
    expect(events.find((e) => e.sessionId === 'live-session')).toMatchObject({ sourceId: opened.value[0].sourceId, count: 1 });
    unsubscribe();
  });
});
