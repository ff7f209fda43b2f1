/**
 * An RpcTransport over one `ws` WebSocket, used by the server for each connection and by the
 * Node client. Sending never throws (the RPC loop sends from promise callbacks, where a throw
 * would become an unhandled rejection): a closed socket drops the message, and a value that
 * cannot be serialized turns into an error response.
 */
import WebSocket from 'ws';
import type { RpcMessage, RpcTransport } from '../shared/rpc/rpc-transport';
import { parseRpcMessage } from '../shared/rpc/parse-rpc-message';

/** Wraps an open (or opening) WebSocket as an RpcTransport; malformed incoming messages are dropped. */
export function createWebSocketTransport(socket: WebSocket): RpcTransport {
  const handlers = new Set<(message: RpcMessage) => void>();
  socket.on('message', (data, isBinary) => {
    if (isBinary) return;
    const message = parseRpcMessage(rawDataToString(data));
    if (message === null) return;
    for (const handler of handlers) {
      try {
        handler(message);
      } catch {
        // A handler bug must not take the connection (or the process) down with it.
      }
    }
  });
  return {
    send(message) {
      if (socket.readyState !== WebSocket.OPEN) return;
      let text: string;
      try {
        text = JSON.stringify(message);
      } catch (error) {
        if (message.type !== 'response') return;
        const reason = error instanceof Error ? error.message : String(error);
        text = JSON.stringify({ type: 'response', id: message.id, ok: false, error: `response could not be serialized: ${reason}` });
      }
      socket.send(text, () => {
        // Errors surface on the socket's 'error' event; nothing to do per message.
      });
    },
    onMessage(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
}

function rawDataToString(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
