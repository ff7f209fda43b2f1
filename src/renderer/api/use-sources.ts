/**
 * The open sources. The list is small (one entry per opened file), so `sourceChanged`
 * payloads are applied as they come; removals and resets refetch it.
 */
import { useCallback, useEffect, useState } from 'react';
import type { SourceInfo } from '../../shared/contract/wire-types';
import { useClient, useConnectionState, useTraceEvents } from './api-context';

export interface SourcesState {
  sources: SourceInfo[];
  /** False until the first list arrived. */
  isLoaded: boolean;
  error: string | null;
  refetch(): void;
}

export function useSources(): SourcesState {
  const client = useClient();
  const { epoch, status } = useConnectionState();
  const [sources, setSources] = useState<SourceInfo[]>([]);
  const [isLoaded, setIsLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const refetch = useCallback(() => {
    client.listSources({}).then(
      (list) => {
        setSources(list);
        setIsLoaded(true);
        setError(null);
      },
      (e: unknown) => setError(e instanceof Error ? e.message : String(e)),
    );
  }, [client]);

  useEffect(() => {
    if (status === 'connected') refetch();
  }, [epoch, status, refetch]);

  useTraceEvents((name, payload) => {
    if (name === 'sourceChanged') {
      const info = payload as SourceInfo;
      setSources((list) => {
        const i = list.findIndex((s) => s.sourceId === info.sourceId);
        if (i === -1) return [...list, info];
        const next = list.slice();
        next[i] = info;
        return next;
      });
    } else if (name === 'sourceRemoved') {
      const { sourceId } = payload as { sourceId: string };
      setSources((list) => list.filter((s) => s.sourceId !== sourceId));
    } else if (name === 'sourceReset') {
      refetch();
    }
  });

  return { sources, isLoaded, error, refetch };
}
