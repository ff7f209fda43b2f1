/**
 * The Electron transport: the preload exposes `window.tracelight` with exactly `send` and
 * `onMessage` over the contract's RPC messages, nothing else. It cannot drop, so the
 * connection is always "connected".
 */
import type { RpcMessage, RpcTransport } from '../../shared/rpc/rpc-transport';
import { createConnectionState, type Connection } from './connection';

/** What the Electron preload puts on `window.tracelight`. */
export interface TracelightBridge {
  send(message: RpcMessage): void;
  onMessage(handler: (message: RpcMessage) => void): () => void;
  /** The file-system path of a dropped File ('' when it has none); a sandboxed page cannot learn it otherwise. */
  getPathForFile?(file: File): string;
}

declare global {
  interface Window {
    /** Present only inside the Electron shell. */
    tracelight?: TracelightBridge;
  }
}

/** The preload's bridge, when running inside Electron. */
export function findIpcBridge(): TracelightBridge | null {
  const bridge = window.tracelight;
  return bridge && typeof bridge.send === 'function' && typeof bridge.onMessage === 'function' ? bridge : null;
}

/** The path of a dropped file, when the shell can tell it (Electron only); null in a browser. */
export function readDroppedFilePath(file: File): string | null {
  const path = findIpcBridge()?.getPathForFile?.(file);
  return path ? path : null;
}

/** A connection over the preload's bridge. */
export function createIpcConnection(bridge: TracelightBridge): Connection {
  const transport: RpcTransport = {
    send: (message) => bridge.send(message),
    onMessage: (handler) => bridge.onMessage(handler),
  };
  const state = createConnectionState({ status: 'connected', epoch: 1, detail: null });
  return { transport, getState: state.get, subscribeState: state.subscribe, close() {} };
}
