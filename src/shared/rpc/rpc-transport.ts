/**
 * The RPC wire: requests, responses and events as plain JSON messages over any transport
 * that can send a message and deliver incoming ones (Electron IPC, WebSocket, in-memory).
 */
export type RpcMessage =
  | { type: 'request'; id: number; method: string; params: unknown }
  | { type: 'response'; id: number; ok: true; value: unknown }
  | { type: 'response'; id: number; ok: false; error: string }
  | { type: 'event'; name: string; payload: unknown };

export interface RpcTransport {
  send(message: RpcMessage): void;
  /** Registers the handler for incoming messages; returns a function that removes it. */
  onMessage(handler: (message: RpcMessage) => void): () => void;
}

/** A connected pair of in-memory transports (messages cloned through JSON, as a real wire would). */
export function createMemoryTransportPair(): [RpcTransport, RpcTransport] {
  const handlers: [Set<(m: RpcMessage) => void>, Set<(m: RpcMessage) => void>] = [new Set(), new Set()];
  const make = (mine: 0 | 1): RpcTransport => ({
    send(message) {
      const copy = JSON.parse(JSON.stringify(message)) as RpcMessage;
      queueMicrotask(() => handlers[mine === 0 ? 1 : 0].forEach((h) => h(copy)));
    },
    onMessage(handler) {
      handlers[mine].add(handler);
      return () => handlers[mine].delete(handler);
    },
  });
  return [make(0), make(1)];
}
