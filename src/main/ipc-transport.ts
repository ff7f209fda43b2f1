/**
 * An RpcTransport over Electron IPC for one window: incoming messages are accepted only from
 * that window's main frame while it shows our own page, and checked for shape; outgoing ones
 * go to its webContents and are dropped once the window is gone.
 */
import type { IpcMainEvent, WebContents } from 'electron';
import { ipcMain } from 'electron';
import type { RpcMessage, RpcTransport } from '../shared/rpc/rpc-transport';
import { toRpcMessage } from '../shared/rpc/parse-rpc-message';
import { RPC_CHANNEL } from '../shared/rpc/electron-bridge';

/** Serves one window; isTrustedUrl says which page URLs may talk to the engine. */
export function createIpcTransport(contents: WebContents, isTrustedUrl: (url: string) => boolean): RpcTransport {
  return {
    send(message) {
      if (contents.isDestroyed()) return;
      try {
        contents.send(RPC_CHANNEL, message);
      } catch (error) {
        // Values that cannot be cloned are an engine bug; answer the call instead of leaving it hanging.
        if (message.type !== 'response') return;
        const reason = error instanceof Error ? error.message : String(error);
        contents.send(RPC_CHANNEL, { type: 'response', id: message.id, ok: false, error: `response could not be sent: ${reason}` });
      }
    },
    onMessage(handler: (message: RpcMessage) => void) {
      const listener = (event: IpcMainEvent, value: unknown) => {
        if (event.sender !== contents) return;
        const frame = event.senderFrame;
        if (frame === null || frame !== contents.mainFrame || !isTrustedUrl(frame.url)) return;
        const message = toRpcMessage(value);
        if (message !== null) handler(message);
      };
      ipcMain.on(RPC_CHANNEL, listener);
      return () => {
        ipcMain.removeListener(RPC_CHANNEL, listener);
      };
    },
  };
}
