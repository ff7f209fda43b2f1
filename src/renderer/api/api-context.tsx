/**
 * The one place the renderer holds the contract's client. Views get it through hooks in
 * this folder; nothing else touches the transport or the bridge.
 */
import { createContext, useContext, useEffect, useRef, useSyncExternalStore, type ReactNode } from 'react';
import type { TraceEventName, TraceEvents } from '../../shared/contract/trace-api';
import type { TraceClient } from '../../shared/rpc/create-client';
import type { Connection, ConnectionState } from './connection';

export interface ApiHandle {
  client: TraceClient;
  connection: Connection;
}

const ApiContext = createContext<ApiHandle | null>(null);

export function ApiProvider({ handle, children }: { handle: ApiHandle; children: ReactNode }) {
  return <ApiContext.Provider value={handle}>{children}</ApiContext.Provider>;
}

function useApiHandle(): ApiHandle {
  const handle = useContext(ApiContext);
  if (!handle) throw new Error('ApiProvider is missing');
  return handle;
}

/** The TraceApi client. */
export function useClient(): TraceClient {
  return useApiHandle().client;
}

/** Connection status and epoch; the epoch changes on every (re)connection. */
export function useConnectionState(): ConnectionState {
  const { connection } = useApiHandle();
  return useSyncExternalStore(connection.subscribeState, connection.getState);
}

export type TraceEventHandler = <K extends TraceEventName>(name: K, payload: TraceEvents[K]) => void;

/** Calls `handler` (always the latest one) for every engine event while mounted. */
export function useTraceEvents(handler: TraceEventHandler): void {
  const client = useClient();
  const handlerRef = useRef(handler);
  handlerRef.current = handler;
  useEffect(() => client.subscribe((name, payload) => handlerRef.current(name, payload)), [client]);
}
