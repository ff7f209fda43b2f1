/**
 * The web shell: the engine's TraceApi over a WebSocket at `/rpc` plus the built renderer as
 * static files, on 127.0.0.1 only. Every request needs the per-launch token (see
 * request-guard.ts); pages get a strict CSP so span text can never run as code.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, STATUS_CODES } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import type { TraceApi, TraceEventSource } from '../shared/contract/trace-api';
import { serveApi } from '../shared/rpc/serve-api';
import { createRequestGuard } from './request-guard';
import type { RequestGuard } from './request-guard';
import { resolveStaticFile } from './static-files';
import { createWebSocketTransport } from './web-socket-transport';

export interface WebServerOptions {
  service: TraceApi & TraceEventSource;
  /** Loopback only, by design. */
  host?: '127.0.0.1';
  /** 0 (default): any free port. */
  port?: number;
  /** The built renderer (out/renderer). */
  rendererDir: string;
  /** Defaults to 32 random bytes, base64url. Must be base64url, at least 16 characters. */
  token?: string;
}

export interface WebServer {
  /** The page to open, token included: `http://127.0.0.1:PORT/?token=…`. */
  url: string;
  port: number;
  token: string;
  /** Stops listening and drops every connection; does not close the service. */
  close(): Promise<void>;
}

/** The WebSocket path of the RPC. */
export const RPC_PATH = '/rpc';

/** Incoming RPC messages are small requests; anything bigger is refused by the socket. */
const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,}$/;

/** Starts the web shell and resolves once it listens. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const host = options.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error('the web shell binds 127.0.0.1 only');
  const token = options.token ?? randomBytes(32).toString('base64url');
  if (!TOKEN_PATTERN.test(token)) throw new Error('token must be base64url and at least 16 characters');

  const server = createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  const sockets = new Set<WebSocket>();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const guard = createRequestGuard({ token, port });
  const pageHeaders = buildPageHeaders(port);

  server.on('request', (req, res) => {
    handleRequest(req, res, guard, pageHeaders, options.rendererDir).catch(() => {
      if (!res.headersSent) sendText(res, 500, pageHeaders, 'Internal error');
      else res.destroy();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const url = parseRequestUrl(req);
    if (url === null || url.pathname !== RPC_PATH) return refuseUpgrade(socket, 404);
    if (!guard.check(req, url).ok) return refuseUpgrade(socket, 403);
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      const stopServing = serveApi(options.service, options.service, createWebSocketTransport(ws));
      ws.on('error', () => ws.terminate());
      ws.on('close', () => {
        stopServing();
        sockets.delete(ws);
      });
    });
  });

  let closing: Promise<void> | null = null;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const ws of sockets) ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  guard: RequestGuard,
  pageHeaders: Record<string, string>,
  rendererDir: string,
): Promise<void> {
  const url = parseRequestUrl(req);
  if (url === null) return sendText(res, 400, pageHeaders, 'Bad request');
  const verdict = guard.check(req, url);
  if (!verdict.ok) {
    const why =
      verdict.reason === 'token'
        ? 'Forbidden: open the address printed by `tracelight serve`; it carries the access token.'
        : 'Forbidden.';
    return sendText(res, 403, pageHeaders, why);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('Allow', 'GET, HEAD');
    return sendText(res, 405, pageHeaders, 'Method not allowed');
  }
  if (verdict.isTokenFromQuery) {
    const token = url.searchParams.get('token') ?? '';
    res.setHeader('Set-Cookie', `${guard.cookieName}=${token}; Path=/; HttpOnly; SameSite=Strict`);
  }
  if (url.pathname === RPC_PATH) return sendText(res, 426, pageHeaders, 'Upgrade required');

  const lookup = await resolveStaticFile(rendererDir, url.pathname);
  if (!lookup.ok) return sendText(res, lookup.status, pageHeaders, lookup.status === 404 ? 'Not found' : 'Bad request');
  const { file } = lookup;
  res.writeHead(200, {
    ...pageHeaders,
    'Content-Type': file.contentType,
    'Content-Length': String(file.sizeBytes),
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') return void res.end();
  await new Promise<void>((resolve, reject) => {
    const stream = createReadStream(file.filePath);
    stream.on('error', reject);
    res.on('close', () => {
      stream.destroy();
      resolve();
    });
    stream.pipe(res);
  });
}

/** Headers sent with every HTTP answer. */
function buildPageHeaders(port: number): Record<string, string> {
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    // The first URL carries the token; never leak it in a Referer.
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

/** Only origin-form targets (`/path?query`) are accepted. */
function parseRequestUrl(req: IncomingMessage): URL | null {
  const target = req.url ?? '';
  if (!target.startsWith('/') || target.startsWith('//')) return null;
  try {
    return new URL(target, 'http://127.0.0.1');
  } catch {
    return null;
  }
}

function sendText(res: ServerResponse, status: number, pageHeaders: Record<string, string>, text: string): void {
  const body = `${text}\n`;
  res.writeHead(status, {
    ...pageHeaders,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'Cache-Control': 'no-store',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function refuseUpgrade(socket: Duplex, status: number): void {
  socket.once('finish', () => socket.destroy());
  socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}
