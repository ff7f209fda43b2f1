/**
 * Which waterfall rows the user collapsed, per session. UI state only: span keys, never
 * span data. Arrays are kept sorted and replaced on change, so they can be compared by
 * identity and sent as `collapsedKeys` as they are.
 */
import { useCallback } from 'react';
import { createStore, useStore } from './create-store';

const EMPTY: readonly string[] = [];
const collapsedStore = createStore<ReadonlyMap<string, readonly string[]>>(new Map());

function sessionKeyOf(sourceId: string, sessionId: string): string {
  return `${sourceId}\u0000${sessionId}`;
}

export interface CollapsedState {
  collapsedKeys: readonly string[];
  setCollapsed(spanKey: string, isCollapsed: boolean): void;
  /** Expands several rows at once (one change, so one refetch). */
  expandKeys(spanKeys: readonly string[]): void;
  expandAll(): void;
}

export function useCollapsedKeys(sourceId: string | null, sessionId: string | null): CollapsedState {
  const map = useStore(collapsedStore);
  const key = sourceId !== null && sessionId !== null ? sessionKeyOf(sourceId, sessionId) : null;
  const collapsedKeys = (key !== null && map.get(key)) || EMPTY;
  const setCollapsed = useCallback(
    (spanKey: string, isCollapsed: boolean) => {
      if (key === null) return;
      collapsedStore.set((previous) => {
        const keys = previous.get(key) ?? EMPTY;
        const has = keys.includes(spanKey);
        if (has === isCollapsed) return previous;
        const nextKeys = isCollapsed ? [...keys, spanKey].sort() : keys.filter((k) => k !== spanKey);
        const next = new Map(previous);
        next.set(key, nextKeys);
        return next;
      });
    },
    [key],
  );
  const expandKeys = useCallback(
    (spanKeys: readonly string[]) => {
      if (key === null || spanKeys.length === 0) return;
      collapsedStore.set((previous) => {
        const keys = previous.get(key) ?? EMPTY;
        const nextKeys = keys.filter((k) => !spanKeys.includes(k));
        if (nextKeys.length === keys.length) return previous;
        const next = new Map(previous);
        next.set(key, nextKeys);
        return next;
      });
    },
    [key],
  );
  const expandAll = useCallback(() => {
    if (key === null) return;
    collapsedStore.set((previous) => {
      if (!previous.has(key)) return previous;
      const next = new Map(previous);
      next.delete(key);
      return next;
    });
  }, [key]);
  return { collapsedKeys, setCollapsed, expandKeys, expandAll };
}
