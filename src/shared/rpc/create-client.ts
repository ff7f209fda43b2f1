import type { TraceApi, TraceEventListener, TraceEventSource } from '../contract/trace-api';
import { TRACE_API_METHODS } from '../contract/trace-api';
import type { RpcTransport } from './rpc-transport';

export type TraceClient = TraceApi & TraceEventSource & { close(): void };

/**
 * Builds a TraceApi proxy over a transport from the contract's method list, plus event
 * subscription. A failed call (a bug on the engine side, or a lost connection) rejects.
 */
export function createClient(transport: RpcTransport): TraceClient {
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Set<TraceEventListener>();
  const stop = transport.onMessage((message) => {
    if (message.type === 'response') {
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new Error(message.error));
    } else if (message.type === 'event') {
      for (const listener of listeners) listener(message.name as never, message.payload as never);
    }
  });
  const client: Record<string, unknown> = {
    subscribe(listener: TraceEventListener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      stop();
      for (const waiter of pending.values()) waiter.reject(new Error('connection closed'));
      pending.clear();
    },
  };
  for (const method of TRACE_API_METHODS) {
    client[method] = (params: unknown) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        transport.send({ type: 'request', id, method, params: params ?? {} });
      });
  }
  return client as unknown as TraceClient;
}
