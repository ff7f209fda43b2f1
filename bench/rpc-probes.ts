/**
 * The page's RPC traffic over its WebSocket, noted from either side: `recordRpc` from Node
 * (Playwright's WebSocket frames, on the Node clock) and `wsProbe`, an init script that wraps the
 * page's WebSocket and notes each message on the page's clock.
 */
import type { Page } from '@playwright/test';

/** One RPC call of the page during a load: when it was sent and answered, since navigation start. */
export interface RpcCall {
  method: string;
  sentMs: number;
  answeredMs: number | null;
  responseBytes: number | null;
}

/** Records the page's RPC requests and responses over its WebSocket, on the Node clock. */
export function recordRpc(page: Page): { stop(): void; rebase(originEpochMs: number): RpcCall[] } {
  const pending = new Map<number, { method: string; sentEpoch: number; answeredEpoch: number | null; bytes: number | null }>();
  const order: { method: string; sentEpoch: number; answeredEpoch: number | null; bytes: number | null }[] = [];
  let isStopped = false;
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      if (isStopped) return;
      try {
        const message = JSON.parse(String(payload)) as { type?: string; id?: number; method?: string };
        if (message.type !== 'request' || typeof message.id !== 'number') return;
        const call = { method: String(message.method), sentEpoch: Date.now(), answeredEpoch: null, bytes: null };
        pending.set(message.id, call);
        order.push(call);
      } catch {
        // not an RPC message
      }
    });
    socket.on('framereceived', ({ payload }) => {
      if (isStopped) return;
      const text = String(payload);
      const match = /^\{"type":"response","id":(\d+)/.exec(text);
      const call = match ? pending.get(Number(match[1])) : undefined;
      if (!call) return;
      call.answeredEpoch = Date.now();
      call.bytes = Buffer.byteLength(text);
    });
  });
  return {
    stop: () => (isStopped = true),
    rebase: (originEpochMs) =>
      order.map((c) => ({
        method: c.method,
        sentMs: Math.round(c.sentEpoch - originEpochMs),
        answeredMs: c.answeredEpoch === null ? null : Math.round(c.answeredEpoch - originEpochMs),
        responseBytes: c.bytes,
      })),
  };
}

/** One entry of `window.__tlWsLog` (wsProbe). */
export interface WsLogEntry {
  t: number;
  kind: 'event' | 'request' | 'response';
  /** Events: the event's name. */
  name?: string;
  /** Requests and responses: the call's id. */
  id?: number;
  /** Requests: the method called. */
  method?: string;
  /** Responses: the message's length. */
  bytes?: number;
}

/**
 * Installed before any page script: wraps the page's WebSocket and notes, in `window.__tlWsLog`
 * (up to about `maxEntries`; page scripts may empty it), each event, request and response, at
 * `performance.now()` (clock 'page') or `performance.timeOrigin + performance.now()` ('epoch').
 */
export function wsProbe(clock: 'page' | 'epoch', maxEntries: number): string {
  return `(() => {
  const log = [];
  window.__tlWsLog = log;
  const now = () => ${clock === 'epoch' ? 'performance.timeOrigin + performance.now()' : 'performance.now()'};
  const Native = window.WebSocket;
  class ProbedWebSocket extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        if (typeof e.data !== 'string' || log.length > ${maxEntries}) return;
        const head = e.data.slice(0, 80);
        const event = /^\\{"type":"event","name":"(\\w+)"/.exec(head);
        if (event) { log.push({ t: now(), kind: 'event', name: event[1] }); return; }
        const response = /^\\{"type":"response","id":(\\d+)/.exec(head);
        if (response) log.push({ t: now(), kind: 'response', id: Number(response[1]), bytes: e.data.length });
      });
    }
    send(data) {
      if (typeof data === 'string' && log.length <= ${maxEntries}) {
        const request = /^\\{"type":"request","id":(\\d+),"method":"(\\w+)"/.exec(data.slice(0, 80));
        if (request) log.push({ t: now(), kind: 'request', id: Number(request[1]), method: request[2] });
      }
      return super.send(data);
    }
  }
  window.WebSocket = ProbedWebSocket;
})();`;
}
