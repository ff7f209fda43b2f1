/**
 * Everything about one span, read back from its source. A finished span does not change, so
 * only a running one (no end yet) is refetched when its session grows; a source reset
 * refetches any.
 */
import type { SpanDetail, SpanRef } from '../../shared/contract/wire-types';
import { useClient } from './api-context';
import { useRemoteValue, type RemoteValue } from './use-remote-value';

export function useSpanDetail(ref: SpanRef | null, sessionId: string | null): RemoteValue<SpanDetail> {
  const client = useClient();
  const remote: RemoteValue<SpanDetail> = useRemoteValue({
    key: ref ? JSON.stringify([ref.sourceId, ref.spanKey]) : null,
    fetch: async () => {
      if (!ref) throw new Error('no span');
      const result = await client.getSpanDetail({ sourceId: ref.sourceId, spanKey: ref.spanKey });
      if (!result.ok) throw new Error(result.error);
      return result.value;
    },
    isInvalidatedBy: (name, payload) => {
      if (!ref) return false;
      const p = payload as { sourceId?: string; sessionId?: string };
      if (name === 'sourceReset') return p.sourceId === ref.sourceId;
      if (name === 'spansAppended') {
        const isRunning = remote.value?.row.endUs === null;
        return isRunning && p.sourceId === ref.sourceId && p.sessionId === (remote.value?.sessionId ?? sessionId);
      }
      return false;
    },
  });
  return remote;
}
