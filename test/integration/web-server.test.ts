/**
 * The web shell over real sockets: token, Host and Origin checks, static files confined to the
 * renderer folder, and the TraceApi through createClient over the real WebSocket. The engine
 * is stood in for by a tiny in-test TraceApi so these tests do not depend on it.
 */
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { fail, ok } from '../../src/shared/contract/result';
import type { TraceApi, TraceEventListener, TraceEventSource } from '../../src/shared/contract/trace-api';
import type { SourceInfo } from '../../src/shared/contract/wire-types';
import { createClient } from '../../src/shared/rpc/create-client';
import { startWebServer } from '../../src/server/start-web-server';
import type { WebServer } from '../../src/server/start-web-server';
import { connectWebSocketTransport, toRpcUrl } from '../../src/server/ws-client-transport';

const TOKEN = 'test-token-0123456789abcdef';
const SECRET = 'outside-the-renderer-secret';

function makeSource(overrides: Partial<SourceInfo> = {}): SourceInfo {
  return {
    sourceId: 's1', path: '/tmp/a.jsonl', name: 'a.jsonl', format: 'otlp-json', status: 'idle', isLive: false,
    sizeBytes: 10, bytesRead: 10, spans: 3, traces: 1, sessions: 1, errors: 0, logs: 0, failure: null, ...overrides,
  };
}

/** A stand-in engine: a fixed source list, events on demand, and one method that throws. */
function makeFakeService() {
  const listeners = new Set<TraceEventListener>();
  const service: TraceApi & TraceEventSource = {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async openPath({ path }) {
      return path === '/missing' ? fail('no such file: /missing') : ok([makeSource({ path })]);
    },
    async listSources() {
      return [makeSource()];
    },
    async closeSource() {
      return ok(null);
    },
    async listSessions(q) {
      return { total: 0, offset: q.offset, rows: [] };
    },
    async getSession() {
      return fail('no such session');
    },
    async getWaterfall() {
      throw new Error('engine bug on purpose');
    },
    async getSpanDetail() {
      return fail('no such span');
    },
    async listErrors() {
      return { total: 0, rows: [] };
    },
    async getTraceConversation() {
      return fail('no such session');
    },
    async prepareSession() {
      return fail('no such session');
    },
  };
  return { service, listeners, emit: (source: SourceInfo) => listeners.forEach((l) => l('sourceChanged', source)) };
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function get(server: WebServer, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, method, headers: { host: `127.0.0.1:${server.port}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Attempts a WebSocket handshake; resolves with the HTTP status of a refusal or 101 when accepted. */
function tryUpgrade(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (error) => {
      if (ws.readyState !== WebSocket.CLOSED && ws.readyState !== WebSocket.CLOSING) reject(error);
    });
  });
}

let root: string;
let rendererDir: string;
let fake: ReturnType<typeof makeFakeService>;
let server: WebServer;
let cookie: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'tracelight-web-'));
  rendererDir = join(root, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Tracelight</title><script type="module" src="./assets/app.js"></script>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log("app");');
  await writeFile(join(rendererDir, 'assets', 'app.css'), 'body{}');
  await writeFile(join(rendererDir, '.env'), SECRET);
  await writeFile(join(root, 'secret.txt'), SECRET);
  await symlink(join(root, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'));
  fake = makeFakeService();
  server = await startWebServer({ service: fake.service, host: '127.0.0.1', port: 0, rendererDir, token: TOKEN });
  cookie = `tracelight_token_${server.port}=${TOKEN}`;
});

afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

describe('HTTP', () => {
  it('prints a page URL on 127.0.0.1 carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
    expect(server.token).toBe(TOKEN);
  });

  it('refuses a page request without the token', async () => {
    const reply = await get(server, '/');
    expect(reply.status).toBe(403);
    expect(reply.body).not.toContain('Tracelight</title>');
  });

  it('refuses a wrong token', async () => {
    expect((await get(server, '/?token=wrong-token-0123456789abcd')).status).toBe(403);
    expect((await get(server, '/assets/app.js', { cookie: `tracelight_token_${server.port}=nope` })).status).toBe(403);
  });

  it('serves the page with the token in the query and sets a strict HttpOnly cookie', async () => {
    const reply = await get(server, `/?token=${TOKEN}`);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(reply.body).toContain('<title>Tracelight</title>');
    const setCookie = reply.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toContain(`tracelight_token_${server.port}=${TOKEN}`);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(reply.headers['content-security-policy']).toBe(
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; ` +
        `connect-src 'self' ws://127.0.0.1:${server.port} ws://localhost:${server.port}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
    );
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.headers['referrer-policy']).toBe('no-referrer');
  });

  it('serves assets with the cookie and the right content types, and refuses them without it', async () => {
    const js = await get(server, '/assets/app.js', { cookie });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toBe('console.log("app");');
    const css = await get(server, '/assets/app.css', { cookie: `other=1; ${cookie}` });
    expect(css.status).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get(server, '/assets/app.js')).status).toBe(403);
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await get(server, '/assets/app.js', { cookie }, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    expect((await get(server, '/assets/app.js', { cookie }, 'POST')).status).toBe(405);
  });

  it('refuses a foreign Host header even with a valid token (DNS rebinding)', async () => {
    expect((await get(server, `/?token=${TOKEN}`, { host: `evil.example:${server.port}` })).status).toBe(403);
    expect((await get(server, `/?token=${TOKEN}`, { host: `127.0.0.1:${server.port + 1}` })).status).toBe(403);
    expect((await get(server, `/?token=${TOKEN}`, { host: '127.0.0.1' })).status).toBe(403);
    expect((await get(server, `/?token=${TOKEN}`, { host: `localhost:${server.port}` })).status).toBe(200);
  });

  it('refuses a request whose Origin is another site', async () => {
    expect((await get(server, '/assets/app.js', { cookie, origin: 'http://evil.example' })).status).toBe(403);
    expect((await get(server, '/assets/app.js', { cookie, origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/%2e%2e%5csecret.txt',
    '/.env',
    '/assets/link.txt',
    '/ABSOLUTE_SECRET',
    '/assets/app.js%00.html',
  ])('never serves a file outside the renderer folder: %s', async (pattern) => {
    const path = pattern.replace('/ABSOLUTE_SECRET', `/${encodeURIComponent(join(root, 'secret.txt'))}`);
    const reply = await get(server, path, { cookie });
    expect([400, 403, 404]).toContain(reply.status);
    expect(reply.body).not.toContain(SECRET);
  });

  it('answers unknown extension-less paths with the page, so deep links reload', async () => {
    const reply = await get(server, '/session/abc', { cookie });
    expect(reply.status).toBe(200);
    expect(reply.body).toContain('<title>Tracelight</title>');
    expect((await get(server, '/assets/missing.js', { cookie })).status).toBe(404);
  });
});

describe('WebSocket', () => {
  const rpcUrl = () => `ws://127.0.0.1:${server.port}/rpc`;
  const openClients: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(openClients.splice(0).map((c) => c.close()));
  });

  it('refuses the upgrade without a token, with a wrong one, or on another path', async () => {
    expect(await tryUpgrade(rpcUrl())).toBe(403);
    expect(await tryUpgrade(`${rpcUrl()}?token=nope`)).toBe(403);
    expect(await tryUpgrade(`ws://127.0.0.1:${server.port}/other?token=${TOKEN}`)).toBe(404);
  });

  it('refuses the upgrade from a foreign Origin or Host', async () => {
    expect(await tryUpgrade(`${rpcUrl()}?token=${TOKEN}`, { origin: 'http://evil.example' })).toBe(403);
    expect(await tryUpgrade(`${rpcUrl()}?token=${TOKEN}`, { origin: `http://localhost:${server.port + 1}` })).toBe(403);
    expect(await tryUpgrade(`${rpcUrl()}?token=${TOKEN}`, { host: `evil.example:${server.port}` })).toBe(403);
  });

  it('accepts the upgrade with the token in the query or the cookie, from its own origin', async () => {
    expect(await tryUpgrade(`${rpcUrl()}?token=${TOKEN}`)).toBe(101);
    expect(await tryUpgrade(rpcUrl(), { cookie, origin: `http://127.0.0.1:${server.port}` })).toBe(101);
    expect(await tryUpgrade(rpcUrl(), { cookie, origin: `http://localhost:${server.port}` })).toBe(101);
  });

  it('serves the TraceApi through createClient over the real socket', async () => {
    const transport = await connectWebSocketTransport(server.url);
    openClients.push(transport);
    const client = createClient(transport);
    expect(await client.listSources()).toEqual([makeSource()]);
    expect(await client.openPath({ path: '/x/b.jsonl' })).toEqual({ ok: true, value: [makeSource({ path: '/x/b.jsonl' })] });
    expect(await client.openPath({ path: '/missing' })).toEqual({ ok: false, error: 'no such file: /missing' });
    expect(await client.listSessions({ offset: 5, limit: 10 })).toEqual({ total: 0, offset: 5, rows: [] });
    await expect(client.getWaterfall({ sourceId: 's1', sessionId: 'x', collapsedKeys: [], offset: 0, limit: 1 })).rejects.toThrow(
      'engine bug on purpose',
    );
    client.close();
  });

  it('pushes engine events to subscribed clients', async () => {
    const transport = await connectWebSocketTransport(toRpcUrl(server.url));
    openClients.push(transport);
    const client = createClient(transport);
    await client.listSources(); // the connection is served once a call has gone through
    const received = new Promise<unknown>((resolve) => client.subscribe((name, payload) => resolve({ name, payload })));
    fake.emit(makeSource({ spans: 42 }));
    expect(await received).toEqual({ name: 'sourceChanged', payload: makeSource({ spans: 42 }) });
    client.close();
  });

  it('survives malformed messages and keeps answering', async () => {
    const transport = await connectWebSocketTransport(server.url);
    openClients.push(transport);
    const replies: unknown[] = [];
    transport.onMessage((m) => replies.push(m));
    const raw = transport.socket;
    raw.send('not json at all');
    raw.send('[1,2,3]');
    raw.send('null');
    raw.send(JSON.stringify({ type: 'request', id: 'one', method: 'listSources' }));
    raw.send(JSON.stringify({ type: 'request', id: 7, method: 42 }));
    raw.send(Buffer.from([0xff, 0xfe, 0x00]), { binary: true });
    raw.send(JSON.stringify({ type: 'request', id: 8, method: 'constructor' }));
    raw.send(JSON.stringify({ type: 'request', id: 9, method: 'listSources' }));
    await expect.poll(() => replies.length).toBe(2);
    expect(replies[0]).toEqual({ type: 'response', id: 8, ok: false, error: 'unknown method "constructor"' });
    expect(replies[1]).toEqual({ type: 'response', id: 9, ok: true, value: [makeSource()] });
  });

  it('drops a connection that sends an oversized message, and stays up', async () => {
    const transport = await connectWebSocketTransport(server.url);
    const closed = new Promise<number>((resolve) => transport.socket.on('close', (code) => resolve(code)));
    transport.socket.send('x'.repeat(5 * 1024 * 1024));
    expect(await closed).toBe(1009);
    const again = await connectWebSocketTransport(server.url);
    openClients.push(again);
    expect(await createClient(again).listSources()).toEqual([makeSource()]);
  });

  it('stops forwarding events to a connection once it closes', async () => {
    const before = fake.listeners.size;
    const transport = await connectWebSocketTransport(server.url);
    await createClient(transport).listSources();
    expect(fake.listeners.size).toBe(before + 1);
    await transport.close();
    await expect.poll(() => fake.listeners.size).toBe(before);
  });
});

describe('close', () => {
  it('drops open sockets and stops listening', async () => {
    const local = makeFakeService();
    const other = await startWebServer({ service: local.service, port: 0, rendererDir });
    expect(other.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const transport = await connectWebSocketTransport(other.url);
    const closed = new Promise<void>((resolve) => transport.socket.on('close', () => resolve()));
    await other.close();
    await closed;
    expect(local.listeners.size).toBe(0);
    await expect(get(other, `/?token=${other.token}`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
