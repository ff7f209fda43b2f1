/** One session's summary, for the waterfall header; follows the session as it grows. */
import type { SessionSummary } from '../../shared/contract/wire-types';
import { useClient } from './api-context';
import { matchSessionEvent } from './event-match';
import { useRemoteValue, type RemoteValue } from './use-remote-value';
import type { WaterfallRef } from './use-waterfall-window';

export function useSession(ref: WaterfallRef | null): RemoteValue<SessionSummary> {
  const client = useClient();
  return useRemoteValue({
    key: ref ? JSON.stringify([ref.sourceId, ref.sessionId]) : null,
    fetch: async () => {
      if (!ref) throw new Error('no session');
      const result = await client.getSession(ref);
      if (!result.ok) throw new Error(result.error);
      return result.value;
    },
    isInvalidatedBy: ref ? matchSessionEvent(ref.sourceId, ref.sessionId) : undefined,
  });
}
