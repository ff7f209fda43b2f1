/** The whole conversation of a session (typed spans), refetched as the session grows. */
import type { SessionRef, TraceConversation } from '../../shared/contract/wire-types';
import { useClient } from './api-context';
import { matchSessionEvent } from './event-match';
import { useRemoteValue, type RemoteValue } from './use-remote-value';

export function useTraceConversation(ref: SessionRef | null): RemoteValue<TraceConversation> {
  const client = useClient();
  return useRemoteValue({
    key: ref ? JSON.stringify([ref.sourceId, ref.sessionId]) : null,
    fetch: async () => {
      if (!ref) throw new Error('no session');
      const result = await client.getTraceConversation({ sourceId: ref.sourceId, sessionId: ref.sessionId });
      if (!result.ok) throw new Error(result.error);
      return result.value;
    },
    isInvalidatedBy: ref ? matchSessionEvent(ref.sourceId, ref.sessionId) : undefined,
  });
}
