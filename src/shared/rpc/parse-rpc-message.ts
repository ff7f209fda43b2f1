/**
 * Incoming wire messages are untrusted: anything that is not one of the four RpcMessage shapes is
 * dropped here, so the RPC loop only ever sees well-formed messages.
 */
import type { RpcMessage } from './rpc-transport';

/** Parses one wire message; null when it is not JSON or not an RpcMessage. */
export function parseRpcMessage(text: string): RpcMessage | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  return toRpcMessage(value);
}

/** Checks an already-decoded value (e.g. from Electron IPC); null when it is not an RpcMessage. */
export function toRpcMessage(value: unknown): RpcMessage | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const m = value as Record<string, unknown>;
  switch (m.type) {
    case 'request':
      if (!isMessageId(m.id) || typeof m.method !== 'string') return null;
      return { type: 'request', id: m.id, method: m.method, params: m.params ?? {} };
    case 'response':
      if (!isMessageId(m.id)) return null;
      if (m.ok === true) return { type: 'response', id: m.id, ok: true, value: m.value };
      if (m.ok === false && typeof m.error === 'string') return { type: 'response', id: m.id, ok: false, error: m.error };
      return null;
    case 'event':
      if (typeof m.name !== 'string') return null;
      return { type: 'event', name: m.name, payload: m.payload };
    default:
      return null;
  }
}

function isMessageId(id: unknown): id is number {
  return typeof id === 'number' && Number.isSafeInteger(id);
}
