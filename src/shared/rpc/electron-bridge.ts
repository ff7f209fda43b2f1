/**
 * The Electron IPC door: one channel carrying RpcMessages both ways, and the shape of
 * `window.tracelight` that the preload exposes and the renderer's IPC transport uses.
 */
import type { RpcMessage } from './rpc-transport';

export const RPC_CHANNEL = 'tracelight:rpc';

/** What the preload exposes as `window.tracelight`. */
export interface TracelightBridge {
  send(message: RpcMessage): void;
  /** Registers a handler for messages from the engine; returns a function that removes it. */
  onMessage(handler: (message: RpcMessage) => void): () => void;
  /** The path of a File from a drop or an <input type=file>; '' when it has none. */
  getPathForFile(file: File): string;
}
