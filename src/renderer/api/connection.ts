/**
 * A transport plus what the UI needs to know about it: whether it is connected. Electron IPC
 * is always connected; a WebSocket can drop and come back, and each (re)connection bumps an
 * epoch so views refetch what they show (events may have been missed meanwhile).
 */
import type { RpcTransport } from '../../shared/rpc/rpc-transport';

export type ConnectionStatus = 'connecting' | 'connected' | 'disconnected';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Increments on every successful (re)connection. */
  epoch: number;
  /** Why the last connection attempt failed or dropped, for the banner. */
  detail: string | null;
}

export interface Connection {
  transport: RpcTransport;
  getState(): ConnectionState;
  subscribeState(listener: () => void): () => void;
  close(): void;
}

/** A tiny observable for connection state, shared by the transports. */
export function createConnectionState(initial: ConnectionState): {
  get(): ConnectionState;
  set(patch: Partial<ConnectionState>): void;
  subscribe(listener: () => void): () => void;
} {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(patch) {
      state = { ...state, ...patch };
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
