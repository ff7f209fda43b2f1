/**
 * The renderer's only door to the engine: `window.tracelight` sends and receives RpcMessages
 * on one IPC channel (it has the shape of an RpcTransport, so the renderer hands it straight
 * to createClient). One helper more: the file-system path of a dropped File, which a
 * sandboxed page cannot learn by itself; the page then asks the engine to open it.
 */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { RpcMessage } from '../shared/rpc/rpc-transport';
import { RPC_CHANNEL, type TracelightBridge } from '../shared/rpc/electron-bridge';

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
