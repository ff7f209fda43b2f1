/**
 * A window of rows of a long list the engine holds (sessions, waterfall rows). The view
 * reports its visible range with `ensureRange`; a padded, quantized window is fetched only
 * when the visible range leaves the loaded (or loading) one. Engine events that make the
 * list stale refetch the current window, coalesced and one at a time. The renderer never
 * holds more than one window of a list.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { computeFetchWindow, DEFAULT_WINDOW_OPTIONS, isRangeCovered, type RowWindow, type WindowOptions } from '../lib/window-range';
import { useConnectionState, useTraceEvents } from './api-context';
import { createCoalescer } from './coalesce';
import type { EventPredicate } from './event-match';

export interface PageLike<R> {
  offset: number;
  rows: R[];
}

export interface RowWindowOptions<P> {
  /** Identity of the list (source, sort, filter, collapsed rows ...); null disables it. */
  queryKey: string | null;
  /** Fetches one window; throws (or rejects) with a user-facing message on failure. */
  fetchWindow(window: RowWindow): Promise<P>;
  /** Total rows of the list according to a page. */
  totalOf(page: P): number;
  isInvalidatedBy?: EventPredicate;
  windowOptions?: WindowOptions;
}

export interface RowWindowState<P> {
  page: P | null;
  /** The query key `page` belongs to (it lags `queryKey` while a new query loads). */
  pageKey: string | null;
  total: number | null;
  error: string | null;
  isLoading: boolean;
  /** Tell the hook which rows [start, end) are on screen. Stable across renders. */
  ensureRange(start: number, end: number): void;
  refetch(): void;
}

interface WindowState<P> {
  page: P | null;
  pageKey: string | null;
  error: string | null;
  isLoading: boolean;
}

export function useRowWindow<R, P extends PageLike<R>>(options: RowWindowOptions<P>): RowWindowState<P> {
  const { queryKey } = options;
  const { epoch, status } = useConnectionState();
  const [state, setState] = useState<WindowState<P>>({ page: null, pageKey: null, error: null, isLoading: queryKey !== null });
  const optionsRef = useRef(options);
  optionsRef.current = options;
  const rangeRef = useRef({ start: 0, end: 0 });
  const loadedRef = useRef<{ key: string; window: RowWindow; total: number } | null>(null);
  const inFlightRef = useRef<{ key: string; window: RowWindow; seq: number } | null>(null);
  const seqRef = useRef(0);
  const isDirtyRef = useRef(false);
  const isConnectedRef = useRef(status === 'connected');
  isConnectedRef.current = status === 'connected';

  const fetchFor = useCallback((key: string, window: RowWindow) => {
    const { fetchWindow, totalOf } = optionsRef.current;
    const seq = ++seqRef.current;
    inFlightRef.current = { key, window, seq };
    setState((s) => (s.isLoading ? s : { ...s, isLoading: true }));
    fetchWindow(window)
      .then(
        (page) => {
          if (seq !== seqRef.current) return;
          loadedRef.current = { key, window, total: totalOf(page) };
          setState({ page, pageKey: key, error: null, isLoading: false });
        },
        (error: unknown) => {
          if (seq !== seqRef.current) return;
          setState((s) => ({ ...s, error: error instanceof Error ? error.message : String(error), isLoading: false }));
        },
      )
      .finally(() => {
        if (inFlightRef.current?.seq !== seq) return;
        inFlightRef.current = null;
        if (isDirtyRef.current) {
          isDirtyRef.current = false;
          refetchVisible(true);
        }
      });
    // refetchVisible is declared below; it is only reached asynchronously.
  }, []);

  const refetchVisible = useCallback(
    (isInvalidation: boolean) => {
      const key = optionsRef.current.queryKey;
      if (key === null || !isConnectedRef.current) return;
      if (isInvalidation && inFlightRef.current) {
        isDirtyRef.current = true;
        return;
      }
      const { start, end } = rangeRef.current;
      fetchFor(key, computeFetchWindow(start, end, optionsRef.current.windowOptions ?? DEFAULT_WINDOW_OPTIONS));
    },
    [fetchFor],
  );

  const ensureRange = useCallback(
    (start: number, end: number) => {
      rangeRef.current = { start, end };
      const key = optionsRef.current.queryKey;
      if (key === null || !isConnectedRef.current) return;
      const loaded = loadedRef.current;
      if (loaded && loaded.key === key && isRangeCovered(loaded.window, start, end, loaded.total)) return;
      const inFlight = inFlightRef.current;
      if (inFlight && inFlight.key === key && isRangeCovered(inFlight.window, start, end, loaded?.key === key ? loaded.total : null)) return;
      fetchFor(key, computeFetchWindow(start, end, optionsRef.current.windowOptions ?? DEFAULT_WINDOW_OPTIONS));
    },
    [fetchFor],
  );

  const coalescerRef = useRef<ReturnType<typeof createCoalescer> | null>(null);
  if (coalescerRef.current === null) coalescerRef.current = createCoalescer(() => refetchVisible(true));
  useEffect(() => () => coalescerRef.current?.cancel(), []);

  useEffect(() => {
    if (queryKey === null) {
      seqRef.current += 1;
      inFlightRef.current = null;
      loadedRef.current = null;
      setState({ page: null, pageKey: null, error: null, isLoading: false });
      return;
    }
    if (status !== 'connected') return;
    refetchVisible(false);
  }, [queryKey, epoch, status, refetchVisible]);

  useTraceEvents((name, payload) => {
    const { queryKey: key, isInvalidatedBy } = optionsRef.current;
    if (key !== null && isInvalidatedBy?.(name, payload)) coalescerRef.current?.schedule();
  });

  const refetch = useCallback(() => refetchVisible(false), [refetchVisible]);
  const total = state.page ? optionsRef.current.totalOf(state.page) : null;
  return { ...state, total, ensureRange, refetch };
}
