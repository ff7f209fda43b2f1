/** Predicates saying which engine events make which fetched data stale. */
import type { TraceEventName, TraceEvents } from '../../shared/contract/trace-api';

export type EventPredicate = <K extends TraceEventName>(name: K, payload: TraceEvents[K]) => boolean;

/** Events that change a list of sessions (of one source, or of all when sourceId is undefined). */
export function matchSessionsEvent(sourceId: string | undefined): EventPredicate {
  return (name, payload) => {
    const p = payload as { sourceId?: string };
    if (name === 'sessionsChanged' || name === 'sourceReset' || name === 'sourceRemoved') {
      return sourceId === undefined || p.sourceId === sourceId;
    }
    return false;
  };
}

/** Events that change one session's spans. */
export function matchSessionEvent(sourceId: string, sessionId: string): EventPredicate {
  return (name, payload) => {
    if (name === 'spansAppended') {
      const p = payload as TraceEvents['spansAppended'];
      return p.sourceId === sourceId && p.sessionId === sessionId;
    }
    if (name === 'sessionsChanged') {
      const p = payload as TraceEvents['sessionsChanged'];
      return p.sourceId === sourceId && (p.sessionIds.length === 0 || p.sessionIds.includes(sessionId));
    }
    if (name === 'sourceReset') return (payload as TraceEvents['sourceReset']).sourceId === sourceId;
    return false;
  };
}
