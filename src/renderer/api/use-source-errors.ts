/** The first `limit` unreadable records of a source; refetched when its error count changes. */
import { useRef } from 'react';
import type { ErrorPage, SourceInfo } from '../../shared/contract/wire-types';
import { useClient } from './api-context';
import { useRemoteValue, type RemoteValue } from './use-remote-value';

export function useSourceErrors(sourceId: string | null, limit: number): RemoteValue<ErrorPage> {
  const client = useClient();
  const lastCountRef = useRef<number | null>(null);
  return useRemoteValue({
    key: sourceId ? JSON.stringify([sourceId, limit]) : null,
    fetch: () => client.listErrors({ sourceId: sourceId as string, offset: 0, limit }),
    isInvalidatedBy: (name, payload) => {
      if (name === 'sourceReset') return (payload as { sourceId: string }).sourceId === sourceId;
      if (name !== 'sourceChanged') return false;
      const info = payload as SourceInfo;
      if (info.sourceId !== sourceId || info.errors === lastCountRef.current) return false;
      lastCountRef.current = info.errors;
      return true;
    },
  });
}
