/** A window of the sessions table, sorted and filtered by the engine. */
import type { SessionPage, SessionQuery, SessionSortKey } from '../../shared/contract/wire-types';
import { useClient } from './api-context';
import { matchSessionsEvent } from './event-match';
import { useRowWindow, type RowWindowState } from './use-row-window';

export interface SessionsQuery {
  sourceId?: string;
  sortBy: SessionSortKey;
  sortDir: 'asc' | 'desc';
  filter: string;
}

export function useSessions(query: SessionsQuery): RowWindowState<SessionPage> {
  const client = useClient();
  const queryKey = JSON.stringify([query.sourceId ?? null, query.sortBy, query.sortDir, query.filter]);
  return useRowWindow({
    queryKey,
    fetchWindow: ({ offset, limit }) => {
      const params: SessionQuery = { offset, limit, sortBy: query.sortBy, sortDir: query.sortDir };
      if (query.filter) params.filter = query.filter;
      if (query.sourceId !== undefined) params.sourceId = query.sourceId;
      return client.listSessions(params);
    },
    totalOf: (page) => page.total,
    isInvalidatedBy: matchSessionsEvent(query.sourceId),
  });
}
