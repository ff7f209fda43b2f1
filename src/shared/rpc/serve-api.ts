import type { TraceApi, TraceEventSource } from '../contract/trace-api';
import { TRACE_API_METHODS } from '../contract/trace-api';
import type { RpcMessage, RpcTransport } from './rpc-transport';

const METHOD_NAMES: ReadonlySet<string> = new Set(TRACE_API_METHODS);

/**
 * Serves the TraceApi over a transport: answers requests for contract methods (anything else
 * is refused) and forwards engine events. Returns a function that stops serving.
 */
export function serveApi(api: TraceApi, events: TraceEventSource, transport: RpcTransport): () => void {
  const stopRequests = transport.onMessage((message: RpcMessage) => {
    if (message.type !== 'request') return;
    const { id, method, params } = message;
    if (!METHOD_NAMES.has(method)) {
      transport.send({ type: 'response', id, ok: false, error: `unknown method ${JSON.stringify(method)}` });
      return;
    }
    const call = api[method as keyof TraceApi] as (p: unknown) => Promise<unknown>;
    Promise.resolve()
      .then(() => call.call(api, params ?? {}))
      .then(
        (value) => transport.send({ type: 'response', id, ok: true, value }),
        (error: unknown) =>
          transport.send({ type: 'response', id, ok: false, error: error instanceof Error ? error.message : String(error) }),
      );
  });
  const stopEvents = events.subscribe((name, payload) => transport.send({ type: 'event', name, payload }));
  return () => {
    stopRequests();
    stopEvents();
  };
}
