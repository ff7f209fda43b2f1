/** A window of one session's flattened span tree, after collapsing. */
import type { WaterfallWindow } from '../../shared/contract/wire-types';
import { useClient } from './api-context';
import { matchSessionEvent } from './event-match';
import { useRowWindow, type RowWindowState } from './use-row-window';

export interface WaterfallRef {
  sourceId: string;
  sessionId: string;
}

const WATERFALL_WINDOW = { quantumRows: 100, padRows: 100 };

/** Identity of a waterfall list: compare with `pageKey` to tell whether a page matches these collapsed keys. */
export function waterfallQueryKey(ref: WaterfallRef, collapsedKeys: readonly string[]): string {
  return JSON.stringify([ref.sourceId, ref.sessionId, collapsedKeys]);
}

export function useWaterfallWindow(ref: WaterfallRef | null, collapsedKeys: readonly string[]): RowWindowState<WaterfallWindow> {
  const client = useClient();
  const queryKey = ref ? waterfallQueryKey(ref, collapsedKeys) : null;
  return useRowWindow({
    queryKey,
    fetchWindow: async ({ offset, limit }) => {
      if (!ref) throw new Error('no session');
      const result = await client.getWaterfall({
        sourceId: ref.sourceId,
        sessionId: ref.sessionId,
        collapsedKeys: [...collapsedKeys],
        offset,
        limit,
      });
      if (!result.ok) throw new Error(result.error);
      return result.value;
    },
    totalOf: (page) => page.totalRows,
    isInvalidatedBy: ref ? matchSessionEvent(ref.sourceId, ref.sessionId) : undefined,
    windowOptions: WATERFALL_WINDOW,
  });
}
