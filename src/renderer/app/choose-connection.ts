/**
 * Picks the transport once, at startup: inside Electron the preload's IPC bridge, in a
 * browser (the web shell) a WebSocket back to the page's host.
 */
import { createClient } from '../../shared/rpc/create-client';
import type { ApiHandle } from '../api/api-context';
import { createIpcConnection, findIpcBridge } from '../api/ipc-transport';
import { createWebSocketConnection } from '../api/ws-transport';

export function connectToEngine(): ApiHandle {
  const bridge = findIpcBridge();
  const connection = bridge ? createIpcConnection(bridge) : createWebSocketConnection();
  return { client: createClient(connection.transport), connection };
}
