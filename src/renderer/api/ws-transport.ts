/**
 * The web shell's transport: JSON RPC messages over a WebSocket at `/rpc?token=...` on the
 * page's own host. The token comes from the page URL (`?token=`) and is kept in
 * sessionStorage so a reload without it still works.
 *
 * When the socket drops, requests in flight are answered with a failure (the client rejects
 * them) and nothing is re-sent; the socket reconnects with backoff and the connection's epoch
 * tells views to refetch. Requests made before the first connection wait for it; requests
 * made while disconnected fail at once.
 */
import type { RpcMessage, RpcTransport } from '../../shared/rpc/rpc-transport';
import { createConnectionState, type Connection } from './connection';

const TOKEN_STORAGE_KEY = 'tracelight.token';
const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 8000];

/** The per-launch token: from `?token=` in the URL, else the one kept from an earlier load. */
export function readToken(location: Location, storage: Storage | null): string | null {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    try {
      storage?.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // Storage can be disabled; the URL still carries the token.
    }
    return fromUrl;
  }
  try {
    return storage?.getItem(TOKEN_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

/** `ws(s)://<host>/rpc?token=<token>` for the page's location. */
export function buildSocketUrl(location: Location, token: string | null): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const query = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${scheme}//${location.host}/rpc${query}`;
}

function safeSessionStorage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** A self-reconnecting WebSocket connection to the web shell. */
export function createWebSocketConnection(): Connection {
  const token = readToken(window.location, safeSessionStorage());
  const url = buildSocketUrl(window.location, token);
  const state = createConnectionState({
    status: 'connecting',
    epoch: 0,
    detail: token ? null : 'No access token in the URL: open the address printed by `tracelight serve`.',
  });
  const handlers = new Set<(message: RpcMessage) => void>();
  const inFlight = new Set<number>();
  let queued: RpcMessage[] = [];
  let socket: WebSocket | null = null;
  let attempt = 0;
  let retryTimer: number | undefined;
  let isClosed = false;
  let hasConnected = false;

  const deliver = (message: RpcMessage) => {
    for (const handler of handlers) handler(message);
  };

  const failRequest = (id: number, error: string) => {
    inFlight.delete(id);
    deliver({ type: 'response', id, ok: false, error });
  };

  const connect = () => {
    if (isClosed) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch (error) {
      scheduleReconnect(error instanceof Error ? error.message : String(error));
      return;
    }
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      hasConnected = true;
      const pending = queued;
      queued = [];
      for (const message of pending) {
        if (message.type === 'request') inFlight.add(message.id);
        ws.send(JSON.stringify(message));
      }
      state.set({ status: 'connected', epoch: state.get().epoch + 1, detail: null });
    };
    ws.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      let message: RpcMessage;
      try {
        message = JSON.parse(event.data) as RpcMessage;
      } catch {
        return;
      }
      if (message.type === 'response') inFlight.delete(message.id);
      deliver(message);
    };
    ws.onclose = (event) => {
      if (socket !== ws) return;
      socket = null;
      for (const id of [...inFlight]) failRequest(id, 'disconnected from Tracelight');
      const reason = event.reason || (hasConnected ? 'The connection to Tracelight was lost.' : 'Cannot reach Tracelight.');
      scheduleReconnect(reason);
    };
  };

  const scheduleReconnect = (detail: string) => {
    if (isClosed) return;
    const keepDetail = state.get().detail && !hasConnected ? state.get().detail : detail;
    state.set({ status: hasConnected ? 'disconnected' : 'connecting', detail: keepDetail });
    const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)];
    attempt += 1;
    retryTimer = window.setTimeout(connect, delay);
  };

  const transport: RpcTransport = {
    send(message) {
      if (socket && socket.readyState === WebSocket.OPEN) {
        if (message.type === 'request') inFlight.add(message.id);
        socket.send(JSON.stringify(message));
      } else if (!hasConnected) {
        queued.push(message);
      } else if (message.type === 'request') {
        // Answer asynchronously, as a real response would arrive.
        queueMicrotask(() => deliver({ type: 'response', id: message.id, ok: false, error: 'disconnected from Tracelight' }));
      }
    },
    onMessage(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };

  connect();
  return {
    transport,
    getState: state.get,
    subscribeState: state.subscribe,
    close() {
      isClosed = true;
      window.clearTimeout(retryTimer);
      socket?.close();
      socket = null;
    },
  };
}
