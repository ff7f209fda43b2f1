/**
 * The sessions table: a virtualized grid over the engine's sorted, filtered list. Only the
 * visible rows are in the DOM; rows come from a padded window fetched as the viewport moves
 * and refetched (coalesced) when the engine says sessions changed.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { SessionSortKey, SessionSummary, SourceInfo } from '../../../shared/contract/wire-types';
import { useSessions } from '../../api/use-sessions';
import { formatCountOf } from '../../lib/format';
import { pickRow } from '../../lib/window-range';
import { navigate, useRoute } from '../../state/route-store';
import { useSourceFilter } from '../../state/ui-store';
import { RunOutcomeBadge, TagChips } from './RunOutcome';
import { buildGridTemplate, SESSION_COLUMNS, SOURCE_COLUMN } from './session-columns';

const ROW_HEIGHT_PX = 28;
const HEADER_HEIGHT_PX = 30;

export function SessionsTable({ sources }: { sources: SourceInfo[] }) {
  const route = useRoute();
  const [sourceFilter, setSourceFilter] = useSourceFilter();
  const [sortBy, setSortBy] = useState<SessionSortKey>('start');
  const [sortDir, setSortDir] = useState<'asc' | 'desc'>('desc');
  const [filterText, setFilterText] = useState('');
  const [filter, setFilter] = useState('');
  const [activeIndex, setActiveIndex] = useState(-1);
  const scrollRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const timer = window.setTimeout(() => setFilter(filterText.trim()), 150);
    return () => window.clearTimeout(timer);
  }, [filterText]);

  const sessions = useSessions({ sourceId: sourceFilter ?? undefined, sortBy, sortDir, filter });
  const total = sessions.total ?? 0;
  const page = sessions.page;

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT_PX,
    overscan: 8,
    scrollMargin: HEADER_HEIGHT_PX,
  });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items.length > 0 ? items[0].index : 0;
  const lastIndex = items.length > 0 ? items[items.length - 1].index + 1 : 0;
  const { ensureRange } = sessions;
  useEffect(() => ensureRange(firstIndex, lastIndex), [ensureRange, firstIndex, lastIndex, sessions.pageKey]);

  // A new sort or filter starts from the top.
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
    setActiveIndex(-1);
  }, [sortBy, sortDir, filter, sourceFilter]);

  const sourceNames = useMemo(() => new Map(sources.map((s) => [s.sourceId, s.name])), [sources]);
  const showSource = sources.length > 1 && sourceFilter === null;
  const filterSourceName = sourceFilter ? sourceNames.get(sourceFilter) ?? sourceFilter : null;

  const select = (row: SessionSummary) => {
    if (route.sourceId === row.sourceId && route.sessionId === row.sessionId) return;
    navigate({ sourceId: row.sourceId, sessionId: row.sessionId, spanKey: null });
  };

  const moveTo = (index: number) => {
    const clamped = Math.max(0, Math.min(total - 1, index));
    setActiveIndex(clamped);
    virtualizer.scrollToIndex(clamped, { align: 'auto' });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (total === 0) return;
    const rowEl = (e.target as HTMLElement).closest<HTMLElement>('[data-index]');
    const current = rowEl ? Number(rowEl.dataset.index) : activeIndex;
    const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 300) / ROW_HEIGHT_PX) - 2);
    let handled = true;
    switch (e.key) {
      case 'ArrowDown':
        moveTo(current + 1);
        break;
      case 'ArrowUp':
        moveTo(current < 0 ? 0 : current - 1);
        break;
      case 'PageDown':
        moveTo(current + pageRows);
        break;
      case 'PageUp':
        moveTo(current - pageRows);
        break;
      case 'Home':
        moveTo(0);
        break;
      case 'End':
        moveTo(total - 1);
        break;
      case 'Enter':
      case ' ': {
        const row = pickRow(page, current);
        if (row) select(row);
        else handled = false;
        break;
      }
      default:
        handled = false;
    }
    if (handled) {
      e.preventDefault();
      if (document.activeElement !== scrollRef.current) scrollRef.current?.focus({ preventScroll: true });
    }
  };

  const onSort = (key: SessionSortKey, firstDir: 'asc' | 'desc') => {
    if (key === sortBy) setSortDir(sortDir === 'asc' ? 'desc' : 'asc');
    else {
      setSortBy(key);
      setSortDir(firstDir);
    }
  };

  const activeRowRendered = items.some((item) => item.index === activeIndex);
  const grid = useMemo(() => buildGridTemplate(showSource ? [...SESSION_COLUMNS, SOURCE_COLUMN] : SESSION_COLUMNS), [showSource]);

  return (
    <section className="sessions" aria-label="Sessions table">
      <div className="toolbar">
        <h2 className="toolbar__title">Sessions</h2>
        <span className="toolbar__count mono" aria-live="polite">
          {sessions.total === null ? '' : formatCountOf(total, 'session')}
        </span>
        {filterSourceName ? (
          <span className="chip">
            <span className="chip__label">source: {filterSourceName}</span>
            <button type="button" className="chip__remove" aria-label="Show sessions of every source" onClick={() => setSourceFilter(null)}>
              ×
            </button>
          </span>
        ) : null}
        <div className="toolbar__spacer" />
        {sessions.isLoading ? <span className="spinner" aria-label="Loading" role="status" /> : null}
        <input
          className="text-input toolbar__filter"
          type="search"
          aria-label="Filter sessions"
          placeholder="Filter by session, model, tag or meta"
          value={filterText}
          onChange={(e) => setFilterText(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown' && total > 0) {
              e.preventDefault();
              moveTo(0);
              scrollRef.current?.focus({ preventScroll: true });
            }
          }}
        />
      </div>
      {sessions.error ? (
        <p className="inline-error" role="alert">
          {sessions.error}
        </p>
      ) : null}
      <div
        ref={scrollRef}
        className="sessions-grid"
        role="grid"
        aria-label="Sessions"
        aria-rowcount={total + 1}
        aria-colcount={SESSION_COLUMNS.length + (showSource ? 1 : 0)}
        aria-activedescendant={activeRowRendered ? `session-row-${activeIndex}` : undefined}
        tabIndex={0}
        onKeyDown={onKeyDown}
        style={{ ['--grid-template' as string]: grid.template, ['--grid-min-width' as string]: `${grid.minWidthPx}px` }}
      >
        <div role="rowgroup" className="sessions-grid__head">
          <div role="row" aria-rowindex={1} className="sessions-grid__row sessions-grid__row--head" style={{ height: HEADER_HEIGHT_PX }}>
            {SESSION_COLUMNS.map((column) => {
              const isSorted = column.sortKey !== null && column.sortKey === sortBy;
              return (
                <div
                  key={column.id}
                  role="columnheader"
                  className={`sessions-grid__header${column.isNumeric ? ' is-numeric' : ''}${column.id === 'session' ? ' is-sticky' : ''}`}
                  aria-sort={column.sortKey === null ? undefined : isSorted ? (sortDir === 'asc' ? 'ascending' : 'descending') : 'none'}
                >
                  {column.sortKey !== null ? (
                    <button type="button" className="sort-button" onClick={() => onSort(column.sortKey as SessionSortKey, column.firstDir)}>
                      <span>{column.label}</span>
                      <span className={`sort-arrow${isSorted ? ` sort-arrow--${sortDir}` : ''}`} aria-hidden="true" />
                    </button>
                  ) : (
                    <span className="sessions-grid__header-text">{column.label}</span>
                  )}
                </div>
              );
            })}
            {showSource ? (
              <div role="columnheader" className="sessions-grid__header">
                <span className="sessions-grid__header-text">Source</span>
              </div>
            ) : null}
          </div>
        </div>
        <div role="rowgroup" className="sessions-grid__body" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = pickRow(page, item.index);
            const top = item.start - HEADER_HEIGHT_PX;
            if (!row) {
              return <div key={item.key} className="sessions-grid__row sessions-grid__row--placeholder" style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT_PX }} />;
            }
            const isSelected = route.sourceId === row.sourceId && route.sessionId === row.sessionId;
            return (
              <div
                key={`${row.sourceId}\u0000${row.sessionId}`}
                id={`session-row-${item.index}`}
                data-index={item.index}
                role="row"
                aria-rowindex={item.index + 2}
                aria-selected={isSelected}
                tabIndex={-1}
                className={`sessions-grid__row${isSelected ? ' is-selected' : ''}${item.index === activeIndex ? ' is-active' : ''}`}
                style={{ transform: `translateY(${top}px)`, height: ROW_HEIGHT_PX }}
                onClick={() => {
                  setActiveIndex(item.index);
                  select(row);
                }}
                onFocus={() => setActiveIndex(item.index)}
              >
                {SESSION_COLUMNS.map((column) => {
                  const text = column.format(row);
                  const isAlert = column.isAlert?.(row) ?? false;
                  return (
                    <div
                      key={column.id}
                      role="gridcell"
                      className={`sessions-grid__cell${column.isNumeric ? ' is-numeric' : ''}${column.id === 'session' ? ' is-sticky mono' : ''}${column.cell === 'outcome' || column.cell === 'tags' ? ' is-badges' : ''}${isAlert ? ` is-alert is-alert--${column.id}` : ''}`}
                      title={column.id === 'session' || column.id === 'models' ? text : undefined}
                    >
                      {column.id === 'session' && row.hasOpenSpans ? <span className="live-dot live-dot--small" role="img" aria-label="running" /> : null}
                      {column.cell === 'outcome' ? (
                        <RunOutcomeBadge status={row.runStatus} />
                      ) : column.cell === 'tags' ? (
                        <TagChips tags={row.tags} />
                      ) : (
                        text
                      )}
                    </div>
                  );
                })}
                {showSource ? (
                  <div role="gridcell" className="sessions-grid__cell" title={sourceNames.get(row.sourceId)}>
                    {sourceNames.get(row.sourceId) ?? row.sourceId}
                  </div>
                ) : null}
              </div>
            );
          })}
        </div>
        {sessions.total === 0 && !sessions.isLoading ? (
          <div className="sessions-grid__empty">{filter ? `No sessions match “${filter}”.` : 'No sessions yet.'}</div>
        ) : null}
      </div>
    </section>
  );
}
