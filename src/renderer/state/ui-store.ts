/**
 * Layout preferences (split sizes) remembered across reloads, and the sidebar's source
 * filter for the sessions table.
 */
import { useCallback, useState } from 'react';
import { createStore, useStore } from './create-store';

/** Sessions of only this source, or of every source when null. */
export const sourceFilterStore = createStore<string | null>(null);

export function useSourceFilter(): [string | null, (sourceId: string | null) => void] {
  return [useStore(sourceFilterStore), sourceFilterStore.set];
}

function readNumber(key: string, fallback: number): number {
  try {
    const raw = window.localStorage.getItem(key);
    const value = raw === null ? NaN : Number(raw);
    return Number.isFinite(value) ? value : fallback;
  } catch {
    return fallback;
  }
}

/** A number remembered in localStorage (layout sizes). */
export function usePersistentNumber(key: string, fallback: number): [number, (value: number) => void] {
  const [value, setValue] = useState(() => readNumber(`tracelight.${key}`, fallback));
  const update = useCallback(
    (next: number) => {
      setValue(next);
      try {
        window.localStorage.setItem(`tracelight.${key}`, String(next));
      } catch {
        // Preferences are a convenience; without storage they last for the session.
      }
    },
    [key],
  );
  return [value, update];
}

/** The source whose unreadable records are shown in the errors panel, or null. */
export const errorsPanelStore = createStore<string | null>(null);

export function useErrorsPanel(): [string | null, (sourceId: string | null) => void] {
  return [useStore(errorsPanelStore), errorsPanelStore.set];
}
