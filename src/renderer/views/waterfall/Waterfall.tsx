/**
 * The waterfall of one session: a header, a time axis, and the span tree as virtualized
 * fixed-height rows. Rows come from engine windows of the flattened tree after collapsing;
 * collapsed keys are UI state (state/collapsed-store). Keyboard: up/down select, left/right
 * collapse/expand or move to parent/child, Enter selects; + / - / 0 zoom the time axis and
 * Shift+left/right pan it. Ctrl/⌘+wheel zooms, Shift+wheel pans, dragging across the axis
 * zooms to the dragged range, double-clicking a row fits the axis to that span. A span
 * selected elsewhere (deep link, span detail) is revealed once: its collapsed ancestors are
 * expanded and its row scrolled to the middle, and the keyboard carries on from it.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { WaterfallRow } from '../../../shared/contract/wire-types';
import { useClient, useConnectionState } from '../../api/api-context';
import { useSession } from '../../api/use-session';
import { useWaterfallWindow, waterfallQueryKey } from '../../api/use-waterfall-window';
import { ResizeHandle } from '../../components/ResizeHandle';
import { RangeOverview } from '../../components/RangeOverview';
import { TimeAxis } from '../../components/TimeAxis';
import { formatCostUsd, formatCount, formatCountOf, formatDateTimeUs, formatDurationUs, formatTokenPair } from '../../lib/format';
import { isRowInView, planReveal } from '../../lib/reveal';
import { computeTimeTicks } from '../../lib/time-ticks';
import { computeTreeKeyAction } from '../../lib/tree-navigation';
import { clampTimeRange, fitTimeRange, isWholeRange, panTimeRange, zoomTimeRange, type TimeRange } from '../../lib/time-view';
import { pickRow } from '../../lib/window-range';
import { useCollapsedKeys } from '../../state/collapsed-store';
import { navigate } from '../../state/route-store';
import { usePersistentNumber } from '../../state/ui-store';
import { RunOutcomeBadge } from '../sessions/RunOutcome';
import { RunLabelStats } from '../sessions/RunMeta';
import { WaterfallRowView } from './WaterfallRow';

const ROW_HEIGHT_PX = 24;
const MIN_NAME_PX = 200;
const MAX_NAME_PX = 900;

export interface WaterfallProps {
  sourceId: string;
  sessionId: string;
  selectedSpanKey: string | null;
}

export function Waterfall({ sourceId, sessionId, selectedSpanKey }: WaterfallProps) {
  const ref = useMemo(() => ({ sourceId, sessionId }), [sourceId, sessionId]);
  const { collapsedKeys, setCollapsed, expandKeys, expandAll } = useCollapsedKeys(sourceId, sessionId);
  const waterfall = useWaterfallWindow(ref, collapsedKeys);
  const session = useSession(ref);
  const page = waterfall.page;
  const total = waterfall.total ?? 0;
  const scrollRef = useRef<HTMLDivElement>(null);
  const timelineRef = useRef<HTMLDivElement>(null);
  const [timelineWidthPx, setTimelineWidthPx] = useState(600);
  const [nameColumnPx, setNameColumnPx] = usePersistentNumber('waterfall.nameColumnPx', 360);
  const nameStartRef = useRef(nameColumnPx);
  const [selectedIndex, setSelectedIndex] = useState(-1);
  const pendingIndexRef = useRef<number | null>(null);

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT_PX,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items.length > 0 ? items[0].index : 0;
  const lastIndex = items.length > 0 ? items[items.length - 1].index + 1 : 0;
  const { ensureRange } = waterfall;
  useEffect(() => ensureRange(firstIndex, lastIndex), [ensureRange, firstIndex, lastIndex, waterfall.pageKey]);

  const boundsStartUs = page?.startUs ?? null;
  const boundsEndUs = page?.endUs ?? null;
  const bounds = useMemo<TimeRange | null>(
    () => (boundsStartUs !== null && boundsEndUs !== null ? { startUs: boundsStartUs, endUs: boundsEndUs } : null),
    [boundsStartUs, boundsEndUs],
  );
  // null: the whole session (and it follows the session as it grows).
  const [zoomView, setZoomView] = useState<TimeRange | null>(null);
  const view = useMemo(() => (bounds ? (zoomView ? clampTimeRange(zoomView, bounds) : bounds) : null), [bounds, zoomView]);
  const isZoomed = view !== null && bounds !== null && !isWholeRange(view, bounds);
  const viewStateRef = useRef({ view, bounds });
  viewStateRef.current = { view, bounds };
  const applyView = useCallback((next: TimeRange) => {
    const { bounds: b } = viewStateRef.current;
    setZoomView(b && isWholeRange(next, b) ? null : next);
  }, []);
  const [selection, setSelection] = useState<{ from: number; to: number } | null>(null);

  const sectionRef = useRef<HTMLElement>(null);
  useEffect(() => {
    const el = sectionRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      const { view: v, bounds: b } = viewStateRef.current;
      const rect = timelineRef.current?.getBoundingClientRect();
      if (!v || !b || !rect || rect.width === 0) return;
      if (e.ctrlKey || e.metaKey) {
        e.preventDefault();
        const isOverTimeline = e.clientX >= rect.left && e.clientX <= rect.right;
        const anchor = isOverTimeline ? (e.clientX - rect.left) / rect.width : 0.5;
        applyView(zoomTimeRange(v, b, anchor, Math.exp(Math.max(-100, Math.min(100, e.deltaY)) * 0.004)));
      } else if ((e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) && !isWholeRange(v, b)) {
        e.preventDefault();
        const delta = Math.abs(e.deltaX) > Math.abs(e.deltaY) ? e.deltaX : e.deltaY;
        applyView(panTimeRange(v, b, (delta / rect.width) * (v.endUs - v.startUs)));
      }
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [applyView]);

  const onZoomTo = useCallback(
    (row: WaterfallRow) => {
      const { bounds: b } = viewStateRef.current;
      if (b) applyView(fitTimeRange({ startUs: row.startUs, endUs: row.endUs ?? b.endUs }, b));
    },
    [applyView],
  );

  const axisFractionAt = (clientX: number) => {
    const rect = timelineRef.current?.getBoundingClientRect();
    return rect && rect.width > 0 ? Math.min(1, Math.max(0, (clientX - rect.left) / rect.width)) : 0;
  };
  const onAxisPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const at = axisFractionAt(e.clientX);
    setSelection({ from: at, to: at });
  };
  const onAxisPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (selection) setSelection({ ...selection, to: axisFractionAt(e.clientX) });
  };
  const onAxisPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    if (!selection) return;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
    const lo = Math.min(selection.from, selection.to);
    const hi = Math.max(selection.from, selection.to);
    setSelection(null);
    if (!view || !bounds || (hi - lo) * timelineWidthPx < 4) return;
    const spanUs = view.endUs - view.startUs;
    applyView(clampTimeRange({ startUs: view.startUs + lo * spanUs, endUs: view.startUs + hi * spanUs }, bounds));
  };

  // A different session starts at the top with nothing selected by index.
  useLayoutEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
    setSelectedIndex(-1);
    pendingIndexRef.current = null;
  }, [sourceId, sessionId]);

  useEffect(() => {
    const el = timelineRef.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setTimelineWidthPx(el.clientWidth));
    observer.observe(el);
    setTimelineWidthPx(el.clientWidth);
    return () => observer.disconnect();
  }, []);

  // The span whose row was revealed, or that was selected in the waterfall itself (its row is
  // already where the user is looking): a selection is revealed at most once.
  const revealedKeyRef = useRef<string | null>(null);

  const selectRow = useCallback(
    (index: number, row: WaterfallRow, isReplace = true) => {
      revealedKeyRef.current = row.spanKey;
      setSelectedIndex(index);
      navigate({ sourceId, sessionId, spanKey: row.spanKey }, { replace: isReplace });
    },
    [sourceId, sessionId],
  );

  // Keep the selected index in step with the selected span when its row is loaded, and
  // finish keyboard moves to rows that were not loaded yet.
  useEffect(() => {
    if (!page) return;
    const pending = pendingIndexRef.current;
    if (pending !== null) {
      const row = pickRow(page, pending);
      if (row) {
        pendingIndexRef.current = null;
        selectRow(pending, row);
        return;
      }
    }
    if (selectedSpanKey === null) {
      setSelectedIndex(-1);
      return;
    }
    const i = page.rows.findIndex((r) => r.spanKey === selectedSpanKey);
    if (i >= 0) setSelectedIndex(page.offset + i);
  }, [page, selectedSpanKey, selectRow]);

  // A selection made elsewhere (deep link, "go to parent") is revealed once: ask the engine
  // where its row is; if collapsed ancestors hide it, expand them and ask again; then, once
  // the rows of those collapsed keys are loaded, select that index and scroll to it.
  const client = useClient();
  const isConnected = useConnectionState().status === 'connected';
  const totalSpans = page?.totalSpans ?? null;
  const [pendingReveal, setPendingReveal] = useState<{ spanKey: string; index: number; queryKey: string } | null>(null);
  useEffect(() => {
    if (selectedSpanKey === null || revealedKeyRef.current === selectedSpanKey || !isConnected) return;
    const spanKey = selectedSpanKey;
    const keys = collapsedKeys;
    let isCancelled = false;
    client
      .getWaterfall({ sourceId, sessionId, collapsedKeys: [...keys], offset: 0, limit: 0, revealKey: spanKey })
      .then((result) => {
        if (isCancelled || !result.ok) return;
        const plan = planReveal(result.value, keys);
        // Expanding changes the collapsed keys, which runs this again to find the row.
        if (plan.kind === 'expand') expandKeys(plan.spanKeys);
        else if (plan.kind === 'show') setPendingReveal({ spanKey, index: plan.index, queryKey: waterfallQueryKey({ sourceId, sessionId }, keys) });
        // 'absent': not read yet (or not in this session); asked again when the session grows.
      })
      .catch(() => {
        // A lost connection retries when it comes back (isConnected).
      });
    return () => {
      isCancelled = true;
    };
  }, [client, isConnected, sourceId, sessionId, selectedSpanKey, collapsedKeys, totalSpans, expandKeys]);

  useEffect(() => {
    if (!pendingReveal) return;
    if (pendingReveal.spanKey !== selectedSpanKey) {
      setPendingReveal(null);
      return;
    }
    if (waterfall.pageKey !== pendingReveal.queryKey || total <= pendingReveal.index) return;
    setPendingReveal(null);
    revealedKeyRef.current = pendingReveal.spanKey;
    pendingIndexRef.current = null;
    setSelectedIndex(pendingReveal.index);
    const el = scrollRef.current;
    if (!el || !isRowInView(pendingReveal.index, ROW_HEIGHT_PX, el.scrollTop, el.clientHeight)) {
      virtualizer.scrollToIndex(pendingReveal.index, { align: 'center' });
    }
  }, [pendingReveal, selectedSpanKey, waterfall.pageKey, total, virtualizer]);

  const onToggle = useCallback((row: WaterfallRow) => setCollapsed(row.spanKey, !row.isCollapsed), [setCollapsed]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (view && bounds && !e.ctrlKey && !e.metaKey && !e.altKey) {
      const zoomStep = e.key === '+' || e.key === '=' ? 0.5 : e.key === '-' || e.key === '_' ? 2 : null;
      if (zoomStep !== null) {
        e.preventDefault();
        applyView(zoomTimeRange(view, bounds, 0.5, zoomStep));
        return;
      }
      if (e.key === '0') {
        e.preventDefault();
        setZoomView(null);
        return;
      }
      if (e.shiftKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
        e.preventDefault();
        applyView(panTimeRange(view, bounds, (e.key === 'ArrowLeft' ? -0.2 : 0.2) * (view.endUs - view.startUs)));
        return;
      }
    }
    const rowEl = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    const index = rowEl && selectedIndex < 0 ? Number(rowEl.dataset.index) : selectedIndex;
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 240) / ROW_HEIGHT_PX));
    const action = computeTreeKeyAction({ key: e.key, index, totalRows: total, pageRows, rowAt: (i) => pickRow(page, i) });
    if (action.kind === 'none') return;
    e.preventDefault();
    if (action.kind === 'select' || action.kind === 'activate') {
      virtualizer.scrollToIndex(action.index, { align: 'auto' });
      const row = pickRow(page, action.index);
      if (row) selectRow(action.index, row);
      else {
        setSelectedIndex(action.index);
        pendingIndexRef.current = action.index;
      }
    } else {
      setCollapsed(action.spanKey, action.kind === 'collapse');
    }
    if (document.activeElement !== scrollRef.current) scrollRef.current?.focus({ preventScroll: true });
  };

  const rangeUs = bounds ? bounds.endUs - bounds.startUs : 0;
  const viewUs = view ? view.endUs - view.startUs : 0;
  const viewFromUs = view && bounds ? view.startUs - bounds.startUs : 0;
  const { stepUs, ticks } = useMemo(
    () => computeTimeTicks(viewUs, Math.max(2, Math.floor(timelineWidthPx / 70)), viewFromUs),
    [viewUs, viewFromUs, timelineWidthPx],
  );
  const gridStepPx = viewUs > 0 ? Math.max(4, (stepUs / viewUs) * timelineWidthPx) : timelineWidthPx;
  const gridOffsetPx = ticks.length > 0 ? ticks[0].fraction * timelineWidthPx : 0;
  const summary = session.value;
  const selectedRendered = items.some((item) => item.index === selectedIndex);

  return (
    <section
      ref={sectionRef}
      className="waterfall"
      aria-label="Session waterfall"
      style={{
        ['--name-col' as string]: `${nameColumnPx}px`,
        ['--grid-step-px' as string]: `${gridStepPx}px`,
        ['--grid-offset-px' as string]: `${gridOffsetPx}px`,
      }}
    >
      <header className="waterfall__header">
        <div className="waterfall__title">
          <span className="waterfall__title-label">Session</span>
          <span className="mono waterfall__session-id" title={sessionId}>
            {sessionId}
          </span>
          {summary?.hasOpenSpans ? <span className="live-dot" role="img" aria-label="running" title="Some spans have not ended" /> : null}
          {summary ? <RunOutcomeBadge status={summary.runStatus} /> : null}
        </div>
        <dl className="stat-row">
          <div className="stat">
            <dt>Spans</dt>
            <dd className="mono">{page ? formatCount(page.totalSpans) : '—'}</dd>
          </div>
          <div className="stat">
            <dt>Duration</dt>
            <dd className="mono">{bounds ? formatDurationUs(rangeUs) : '—'}</dd>
          </div>
          {summary ? (
            <>
              <div className="stat">
                <dt>Start</dt>
                <dd className="mono">{formatDateTimeUs(summary.startUs)}</dd>
              </div>
              <div className="stat">
                <dt>Traces</dt>
                <dd className="mono">{formatCount(summary.traces)}</dd>
              </div>
              {summary.errors > 0 ? (
                <div className="stat stat--alert">
                  <dt>Errors</dt>
                  <dd className="mono">{formatCount(summary.errors)}</dd>
                </div>
              ) : null}
              {summary.denials > 0 ? (
                <div className="stat stat--deny">
                  <dt>Denials</dt>
                  <dd className="mono">{formatCount(summary.denials)}</dd>
                </div>
              ) : null}
              {summary.humanReviews > 0 ? (
                <div className="stat stat--hitl">
                  <dt>Human reviews</dt>
                  <dd className="mono">{formatCount(summary.humanReviews)}</dd>
                </div>
              ) : null}
              <RunLabelStats tags={summary.tags} meta={summary.meta} />
              {summary.inputTokens || summary.outputTokens ? (
                <div className="stat">
                  <dt>Tokens</dt>
                  <dd className="mono">{formatTokenPair(summary.inputTokens, summary.outputTokens)}</dd>
                </div>
              ) : null}
              {summary.costUsd > 0 ? (
                <div className="stat">
                  <dt>Cost</dt>
                  <dd className="mono">{formatCostUsd(summary.costUsd)}</dd>
                </div>
              ) : null}
              {summary.models.length > 0 ? (
                <div className="stat stat--wide">
                  <dt>Models</dt>
                  <dd className="mono" title={summary.models.join(', ')}>
                    {summary.models.join(', ')}
                  </dd>
                </div>
              ) : null}
            </>
          ) : null}
        </dl>
        <div className="waterfall__actions">
          {waterfall.isLoading ? <span className="spinner" role="status" aria-label="Loading" /> : null}
          {isZoomed ? (
            <>
              <span className="zoom-level" title="Zoom (Ctrl/⌘+wheel, + and -, drag across the time axis)">
                ×{(rangeUs / Math.max(1, viewUs)).toFixed(rangeUs / Math.max(1, viewUs) < 10 ? 1 : 0)}
              </span>
              <button type="button" className="button button--small" onClick={() => setZoomView(null)}>
                Reset zoom
              </button>
            </>
          ) : null}
          {collapsedKeys.length > 0 ? (
            <button type="button" className="button button--small" onClick={expandAll}>
              Expand all
            </button>
          ) : null}
        </div>
      </header>
      <div className="waterfall__columns" aria-hidden="true">
        <div className="waterfall__columns-name">
          <span>Span</span>
          <span className="muted">{page ? formatCountOf(total, 'row') : ''}</span>
        </div>
        <ResizeHandle
          orientation="vertical"
          label="Resize span names"
          valueNow={nameColumnPx}
          valueMin={MIN_NAME_PX}
          valueMax={MAX_NAME_PX}
          onDragStart={() => {
            nameStartRef.current = nameColumnPx;
          }}
          onDrag={(delta) => setNameColumnPx(Math.min(MAX_NAME_PX, Math.max(MIN_NAME_PX, nameStartRef.current + delta)))}
          onStep={(direction) => setNameColumnPx(Math.min(MAX_NAME_PX, Math.max(MIN_NAME_PX, nameColumnPx + direction * 20)))}
        />
        <div
          className="waterfall__columns-axis"
          ref={timelineRef}
          title="Drag to zoom to a time range"
          onPointerDown={onAxisPointerDown}
          onPointerMove={onAxisPointerMove}
          onPointerUp={onAxisPointerUp}
          onPointerCancel={() => setSelection(null)}
        >
          <TimeAxis ticks={ticks} label="Time since session start" />
          {selection ? (
            <div
              className="waterfall__selection"
              style={{ left: `${Math.min(selection.from, selection.to) * 100}%`, width: `${Math.abs(selection.to - selection.from) * 100}%` }}
            />
          ) : null}
        </div>
      </div>
      {isZoomed && view && bounds ? (
        <div className="waterfall__overview">
          <div className="waterfall__overview-spacer">{formatDurationUs(viewUs)} shown</div>
          <RangeOverview
            label="Part of the session in view: drag to pan"
            startFraction={(view.startUs - bounds.startUs) / Math.max(1, rangeUs)}
            endFraction={(view.endUs - bounds.startUs) / Math.max(1, rangeUs)}
            onMove={(startFraction) =>
              applyView(clampTimeRange({ startUs: bounds.startUs + startFraction * rangeUs, endUs: bounds.startUs + startFraction * rangeUs + viewUs }, bounds))
            }
          />
        </div>
      ) : null}
      {waterfall.error ? (
        <p className="inline-error" role="alert">
          {waterfall.error}
        </p>
      ) : null}
      <div
        ref={scrollRef}
        className="waterfall__rows"
        role="treegrid"
        aria-label="Waterfall"
        aria-rowcount={total}
        aria-activedescendant={selectedRendered ? `wf-row-${selectedIndex}` : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
      >
        <div role="rowgroup" className="waterfall__canvas" style={{ height: virtualizer.getTotalSize() }}>
          {view
            ? items.map((item) => {
                const row = pickRow(page, item.index);
                if (!row) {
                  return (
                    <div key={item.key} className="wf-row wf-row--placeholder" style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT_PX }}>
                      <div className="wf-row__name">
                        <span className="skeleton" />
                      </div>
                      <div className="wf-row__timeline" />
                    </div>
                  );
                }
                return (
                  <WaterfallRowView
                    key={row.spanKey}
                    row={row}
                    index={item.index}
                    topPx={item.start}
                    heightPx={ROW_HEIGHT_PX}
                    isSelected={row.spanKey === selectedSpanKey}
                    axis={view}
                    onSelect={selectRow}
                    onToggle={onToggle}
                    onZoomTo={onZoomTo}
                  />
                );
              })
            : null}
        </div>
        {page && total === 0 ? <div className="waterfall__empty">This session has no spans.</div> : null}
      </div>
    </section>
  );
}
