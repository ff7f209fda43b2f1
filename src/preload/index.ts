/**
 * The renderer's only door to the engine: `window.tracelight` sends and receives RpcMessages
 * on one IPC channel (it has the shape of an RpcTransport, so the renderer hands it straight
 * to createClient). One helper more: the file-system path of a dropped File, which a
 * sandboxed page cannot learn by itself; the page then asks the engine to open it.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { RpcMessage } from '../shared/rpc/rpc-transport';

/** Same literal as src/main/rpc-channel.ts (the preload imports only types from our code). */
const RPC_CHANNEL = 'tracelight:rpc';

/** What the preload exposes as `window.tracelight`. */
export interface TracelightBridge {
  send(message: RpcMessage): void;
  /** Registers a handler for messages from the engine; returns a function that removes it. */
  onMessage(handler: (message: RpcMessage) => void): () => void;
  /** The path of a File from a drop or an <input type=file>; '' when it has none. */
  getPathForFile(file: File): string;
}

const bridge: TracelightBridge = {
  send(message) {
    ipcRenderer.send(RPC_CHANNEL, message);
  },
  onMessage(handler) {
    const listener = (_event: IpcRendererEvent, message: RpcMessage) => handler(message);
    ipcRenderer.on(RPC_CHANNEL, listener);
    return () => {
      ipcRenderer.removeListener(RPC_CHANNEL, listener);
    };
  },
  getPathForFile(file) {
    return webUtils.getPathForFile(file);
  },
};

contextBridge.exposeInMainWorld('tracelight', bridge);
