/** One open source in the sidebar: name, format, live state, reading progress, counts, errors. */
import type { SourceInfo } from '../../../shared/contract/wire-types';
import { computeFraction, formatBytes, formatCount, formatCountOf } from '../../lib/format';

export interface SourceItemProps {
  source: SourceInfo;
  isFiltered: boolean;
  isShowingErrors: boolean;
  onToggleFilter(): void;
  onShowErrors(): void;
  onClose(): void;
}

const STATUS_LABELS: Record<SourceInfo['status'], string> = {
  loading: 'reading',
  live: 'live',
  idle: 'idle',
  missing: 'missing',
  failed: 'failed',
};

export function SourceItem({ source, isFiltered, isShowingErrors, onToggleFilter, onShowErrors, onClose }: SourceItemProps) {
  const fraction = computeFraction(source.bytesRead, source.sizeBytes);
  const isLoading = source.status === 'loading';
  const hasFailed = source.status === 'failed' || source.status === 'missing';
  return (
    <li className={`source-item${isFiltered ? ' source-item--filtered' : ''}${hasFailed ? ' source-item--failed' : ''}`} aria-label={source.name}>
      <div className="source-item__top">
        {source.isLive ? <span className="live-dot" role="img" aria-label="live" title="Live: following appends" /> : null}
        <button
          type="button"
          className="source-item__name"
          title={`${source.path}\n${isFiltered ? 'Showing only this source’s sessions (click to show all)' : 'Show only this source’s sessions'}`}
          aria-pressed={isFiltered}
          onClick={onToggleFilter}
        >
          {source.name}
        </button>
        <button type="button" className="icon-button source-item__close" aria-label={`Close ${source.name}`} title="Close source" onClick={onClose}>
          ×
        </button>
      </div>
      <div className="source-item__path" title={source.path}>
        <span className="source-item__path-text">{source.path}</span>
      </div>
      <div className="source-item__meta">
        <span className="format-badge" title="Detected format">
          {source.format ?? 'detecting…'}
        </span>
        <span className={`status-text status-text--${source.status}`}>{STATUS_LABELS[source.status]}</span>
        {source.sizeBytes > 0 ? <span className="source-item__size">{formatBytes(source.sizeBytes)}</span> : null}
      </div>
      <div className="source-item__counts">
        <span className="source-item__spans">{`${formatCount(source.spans)} spans`}</span>
        <span>{formatCountOf(source.traces, 'trace')}</span>
        <span>{formatCountOf(source.sessions, 'session')}</span>
        {source.logs > 0 ? <span title="Log records found among the spans, shown with the span they were written in">{formatCountOf(source.logs, 'log')}</span> : null}
      </div>
      {isLoading ? (
        <div
          className="progress"
          role="progressbar"
          aria-label={`Reading ${source.name}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(fraction * 100)}
          title={`${formatBytes(source.bytesRead)} of ${formatBytes(source.sizeBytes)}`}
        >
          <div className="progress__fill" style={{ width: `${fraction * 100}%` }} />
        </div>
      ) : null}
      {source.failure ? (
        <p className="source-item__failure" role="alert">
          {source.failure}
        </p>
      ) : null}
      {source.errors > 0 ? (
        <button type="button" className="source-item__errors" aria-pressed={isShowingErrors} onClick={onShowErrors}>
          {formatCountOf(source.errors, 'error')}
        </button>
      ) : null}
    </li>
  );
}
