/**
 * Connects Node code (tests, scripts) to a running web shell over its real WebSocket, giving an
 * RpcTransport for createClient. Pass the page URL printed by `tracelight serve`; the token
 * in it is reused for the `/rpc` socket.
 */
import WebSocket from 'ws';
import type { RpcTransport } from '../shared/rpc/rpc-transport';
import { createWebSocketTransport } from './web-socket-transport';

export interface WebSocketClientTransport extends RpcTransport {
  socket: WebSocket;
  /** Closes the socket; resolves once it is closed. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Extra handshake headers (Origin, Cookie, Host ...), for tests of the server's checks. */
  headers?: Record<string, string>;
}

/** The `ws://…/rpc?token=…` address that belongs to a web shell's page URL. */
export function toRpcUrl(pageUrl: string): string {
  const page = new URL(pageUrl);
  const rpc = new URL('/rpc', page);
  rpc.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = page.searchParams.get('token');
  if (token !== null) rpc.searchParams.set('token', token);
  return rpc.toString();
}

/** Opens a WebSocket to the web shell (page URL or ws:// URL) and resolves once it is open. */
export function connectWebSocketTransport(url: string, options: ConnectOptions = {}): Promise<WebSocketClientTransport> {
  const target = url.startsWith('http:') || url.startsWith('https:') ? toRpcUrl(url) : url;
  const socket = new WebSocket(target, { headers: options.headers, perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      socket.off('open', onOpen);
      reject(error);
    };
    const onUnexpected = (_req: unknown, res: { statusCode?: number }) => {
      socket.off('open', onOpen);
      socket.off('error', onError);
      socket.on('error', () => {});
      socket.terminate();
      reject(new Error(`WebSocket handshake refused with HTTP ${res.statusCode ?? '?'}`));
    };
    const onOpen = () => {
      socket.off('error', onError);
      socket.off('unexpected-response', onUnexpected);
      socket.on('error', () => {
        // Reported through 'close'; the caller sees pending calls fail when it closes its client.
      });
      const transport = createWebSocketTransport(socket);
      resolve({
        socket,
        send: transport.send,
        onMessage: transport.onMessage,
        close: () =>
          new Promise<void>((done) => {
            if (socket.readyState === WebSocket.CLOSED) return done();
            socket.once('close', () => done());
            socket.close();
          }),
      });
    };
    socket.once('open', onOpen);
    socket.once('error', onError);
    socket.once('unexpected-response', onUnexpected);
  });
}
