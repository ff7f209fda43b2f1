/**
 * One value fetched from the engine, refetched when its key changes, on reconnection, and
 * (coalesced) when an engine event says it is stale. The previous value stays shown while
 * the next one loads so selections do not flash empty. Responses to superseded requests are
 * dropped; at most one refetch for invalidation is in flight at a time.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useConnectionState, useTraceEvents } from './api-context';
import { createCoalescer } from './coalesce';
import type { EventPredicate } from './event-match';

export interface RemoteValue<T> {
  value: T | undefined;
  /** The key `value` was fetched for (it may lag the requested key while loading). */
  valueKey: string | null;
  error: string | null;
  isLoading: boolean;
  refetch(): void;
}

export interface RemoteValueOptions<T> {
  /** Identity of what to fetch; null disables fetching and clears the value. */
  key: string | null;
  /** Fetches the value; throws (or rejects) with a user-facing message on failure. */
  fetch(): Promise<T>;
  isInvalidatedBy?: EventPredicate;
}

interface ValueState<T> {
  value: T | undefined;
  valueKey: string | null;
  error: string | null;
  isLoading: boolean;
}

export function useRemoteValue<T>(options: RemoteValueOptions<T>): RemoteValue<T> {
  const { key } = options;
  const { epoch, status } = useConnectionState();
  const [state, setState] = useState<ValueState<T>>({ value: undefined, valueKey: null, error: null, isLoading: key !== null });
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const seqRef = useRef(0);
  const isInFlightRef = useRef(false);
  const isDirtyRef = useRef(false);

  const load = useCallback((isInvalidation: boolean) => {
    const { key: loadKey, fetch } = optionsRef.current;
    if (loadKey === null) return;
    if (isInvalidation && isInFlightRef.current) {
      isDirtyRef.current = true;
      return;
    }
    const seq = ++seqRef.current;
    isInFlightRef.current = true;
    setState((s) => (s.isLoading ? s : { ...s, isLoading: true }));
    fetch().then(
      (value) => {
        if (seq !== seqRef.current) return;
        setState({ value, valueKey: loadKey, error: null, isLoading: false });
      },
      (error: unknown) => {
        if (seq !== seqRef.current) return;
        setState((s) => ({ ...s, error: error instanceof Error ? error.message : String(error), isLoading: false }));
      },
    ).finally(() => {
      if (seq !== seqRef.current) return;
      isInFlightRef.current = false;
      if (isDirtyRef.current) {
        isDirtyRef.current = false;
        load(true);
      }
    });
  }, []);

  const coalescerRef = useRef<ReturnType<typeof createCoalescer> | null>(null);
  if (coalescerRef.current === null) coalescerRef.current = createCoalescer(() => load(true));
  useEffect(() => () => coalescerRef.current?.cancel(), []);

  useEffect(() => {
    if (key === null) {
      seqRef.current += 1;
      isInFlightRef.current = false;
      setState({ value: undefined, valueKey: null, error: null, isLoading: false });
      return;
    }
    if (status !== 'connected') return;
    load(false);
  }, [key, epoch, status, load]);

  useTraceEvents((name, payload) => {
    const { key: currentKey, isInvalidatedBy } = optionsRef.current;
    if (currentKey !== null && isInvalidatedBy?.(name, payload)) coalescerRef.current?.schedule();
  });

  const refetch = useCallback(() => load(false), [load]);
  return { ...state, refetch };
}
