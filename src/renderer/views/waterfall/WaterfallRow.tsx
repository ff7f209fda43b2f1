/** One row of the waterfall: indented name with toggle and badges, and the span's bar on the session's time axis. */
import { memo, type MouseEvent } from 'react';
import type { WaterfallRow as Row } from '../../../shared/contract/wire-types';
import { formatDurationUs } from '../../lib/format';
import { DECISION_COLORS, DECISION_LABELS, selectBarColor, selectSpanTypeColor } from '../../lib/span-colors';
import { computeBarGeometry, type TimeAxisRange } from '../../lib/waterfall-geometry';

export interface WaterfallRowProps {
  row: Row;
  index: number;
  topPx: number;
  heightPx: number;
  isSelected: boolean;
  axis: TimeAxisRange;
  onSelect(index: number, row: Row): void;
  onToggle(row: Row): void;
  /** Double-click: fit the time axis to this span. */
  onZoomTo(row: Row): void;
}

/** Accessible name of a row: the span name first, then what a sighted user sees at a glance. */
export function describeRow(row: Row): string {
  const parts: string[] = [row.spanType];
  parts.push(row.endUs === null ? 'running' : formatDurationUs(row.endUs - row.startUs));
  if (row.status === 'error') parts.push('error');
  if (row.decision) parts.push(`decision ${DECISION_LABELS[row.decision]}`);
  if (row.isOrphan) parts.push('parent missing');
  if (row.isOutsideParent) parts.push('outside its parent');
  if (row.isSynthesized) parts.push("from its grade's criteria");
  return `${row.name} (${parts.join(', ')})`;
}

export const WaterfallRowView = memo(function WaterfallRowView({ row, index, topPx, heightPx, isSelected, axis, onSelect, onToggle, onZoomTo }: WaterfallRowProps) {
  const geometry = computeBarGeometry(row, axis);
  const color = selectBarColor(row);
  const hasChildren = row.childCount > 0;
  const durationLabel = row.endUs === null ? 'running' : formatDurationUs(row.endUs - row.startUs);
  const isError = row.status === 'error' && !row.decision;
  const onToggleClick = (e: MouseEvent) => {
    e.stopPropagation();
    onToggle(row);
  };
  return (
    <div
      id={`wf-row-${index}`}
      data-index={index}
      role="row"
      aria-rowindex={index + 1}
      aria-level={row.depth + 1}
      aria-expanded={hasChildren ? !row.isCollapsed : undefined}
      aria-selected={isSelected}
      aria-label={describeRow(row)}
      tabIndex={-1}
      className={`wf-row${isSelected ? ' is-selected' : ''}${isError ? ' is-error' : ''}`}
      style={{ transform: `translateY(${topPx}px)`, height: heightPx }}
      onClick={() => onSelect(index, row)}
      onDoubleClick={(e) => {
        if ((e.target as HTMLElement).closest('button')) return;
        onZoomTo(row);
      }}
    >
      <div role="gridcell" className="wf-row__name" style={{ paddingLeft: `min(${8 + row.depth * 14}px, 60%)` }}>
        {hasChildren ? (
          <button
            type="button"
            className="wf-toggle"
            tabIndex={-1}
            aria-expanded={!row.isCollapsed}
            aria-label={`${row.isCollapsed ? 'Expand' : 'Collapse'} ${row.name}`}
            title={row.isCollapsed ? `Expand (${row.childCount} children)` : 'Collapse'}
            onClick={onToggleClick}
          >
            <span className={`chevron${row.isCollapsed ? '' : ' chevron--open'}`} aria-hidden="true" />
          </button>
        ) : (
          <span className="wf-toggle-spacer" aria-hidden="true" />
        )}
        <span className="type-badge" style={{ color: selectSpanTypeColor(row.spanType), borderColor: `${selectSpanTypeColor(row.spanType)}55` }}>
          {row.spanType}
        </span>
        <span className="wf-row__label" title={row.name}>
          {row.name}
        </span>
        {row.isCollapsed && hasChildren ? <span className="wf-row__hidden-count">+{row.childCount}</span> : null}
        {row.decision ? (
          <span className="decision-badge" style={{ color: DECISION_COLORS[row.decision], borderColor: `${DECISION_COLORS[row.decision]}66` }}>
            {DECISION_LABELS[row.decision]}
          </span>
        ) : null}
        {isError ? <span className="error-badge">error</span> : null}
        {row.isOrphan ? (
          <span className="orphan-badge" title="This span names a parent that has not been read">
            parent missing
          </span>
        ) : null}
        {row.isOutsideParent ? (
          <span className="orphan-badge" title="Starts before or ends after its parent (clock skew or async work); drawn as recorded">
            outside parent
          </span>
        ) : null}
        {row.isSynthesized ? (
          <span className="orphan-badge" title="Read from its Grade's criteria list, not a span in the file; hidden once the Grade has real criterion spans">
            from criteria
          </span>
        ) : null}
      </div>
      <div role="gridcell" className="wf-row__timeline">
        {geometry.isOutside ? (
          <span className={`wf-offscreen wf-offscreen--${row.startUs > axis.endUs ? 'after' : 'before'}`}>
            {row.startUs > axis.endUs ? `${durationLabel} ›` : `‹ ${durationLabel}`}
          </span>
        ) : (
          <>
            <div
              className={`wf-bar${geometry.isOpenEnded ? ' wf-bar--open' : ''}`}
              style={{
                left: `${geometry.leftPct}%`,
                width: `${geometry.widthPct}%`,
                ['--bar-color' as string]: color,
              }}
            />
            <span
              className={`wf-bar-label wf-bar-label--${geometry.labelSide}`}
              style={
                geometry.labelSide === 'right'
                  ? { left: `calc(${geometry.leftPct + geometry.widthPct}% + 6px)` }
                  : geometry.labelSide === 'inside'
                    ? { left: `calc(${geometry.leftPct}% + 6px)` }
                    : { right: `calc(${100 - geometry.leftPct}% + 6px)` }
              }
            >
              {durationLabel}
            </span>
          </>
        )}
      </div>
    </div>
  );
});
