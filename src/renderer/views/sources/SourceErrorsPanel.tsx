/**
 * The records of a source that could not be read: where (line, byte offset), why, and the
 * first bytes of the record. Bad input never hides good input; this is where it is shown.
 */
import { useEffect, useState } from 'react';
import type { SourceInfo } from '../../../shared/contract/wire-types';
import { useSourceErrors } from '../../api/use-source-errors';
import { formatCount, formatCountOf } from '../../lib/format';

const PAGE_ROWS = 200;

export function SourceErrorsPanel({ source, onClose }: { source: SourceInfo; onClose(): void }) {
  const [limit, setLimit] = useState(PAGE_ROWS);
  const errors = useSourceErrors(source.sourceId, limit);
  const page = errors.value;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  return (
    <section className="errors-panel" role="region" aria-label={`Errors in ${source.name}`}>
      <header className="panel-header">
        <h2 className="panel-header__title">
          Errors in <span className="mono">{source.name}</span>
        </h2>
        <span className="panel-header__meta">{formatCountOf(page?.total ?? source.errors, 'unreadable record')}</span>
        <button type="button" className="icon-button" aria-label="Close errors" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="errors-panel__body">
        {errors.error ? <p className="inline-error" role="alert">{errors.error}</p> : null}
        {!page && errors.isLoading ? <p className="muted">Loading…</p> : null}
        {page ? (
          <ol className="error-list" aria-label="Unreadable records">
            {page.rows.map((row, i) => (
              // By position: a database's errors share line 0 and may share an offset (rowid).
              <li key={i} className="error-entry">
                {/* A database's rows have no line: their reason names the table and row. */}
                {row.line > 0 ? (
                  <div className="error-entry__where mono">
                    line {formatCount(row.line)}, offset {formatCount(row.offset)}
                    <span className="muted"> · {formatCount(row.lengthBytes)} bytes</span>
                  </div>
                ) : null}
                <div className="error-entry__reason">{row.reason}</div>
                {row.excerpt ? <pre className="error-entry__excerpt">{row.excerpt}</pre> : null}
              </li>
            ))}
          </ol>
        ) : null}
        {page && page.total > page.rows.length ? (
          <button type="button" className="button" onClick={() => setLimit((l) => l + PAGE_ROWS)}>
            Show more ({formatCount(page.total - page.rows.length)} left)
          </button>
        ) : null}
      </div>
    </section>
  );
}
