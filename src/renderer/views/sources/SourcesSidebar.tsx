/** The left sidebar: open a path, and the list of open sources with their live state. */
import type { SourceInfo } from '../../../shared/contract/wire-types';
import { useClient } from '../../api/api-context';
import { useErrorsPanel, useSourceFilter } from '../../state/ui-store';
import { OpenPathForm } from './OpenPathForm';
import { SourceItem } from './SourceItem';

export interface SourcesSidebarProps {
  sources: SourceInfo[];
  onSourcesChanged(): void;
}

export function SourcesSidebar({ sources, onSourcesChanged }: SourcesSidebarProps) {
  const client = useClient();
  const [filterSourceId, setFilterSourceId] = useSourceFilter();
  const [errorsSourceId, setErrorsSourceId] = useErrorsPanel();

  const close = async (sourceId: string) => {
    try {
      await client.closeSource({ sourceId });
    } finally {
      if (filterSourceId === sourceId) setFilterSourceId(null);
      if (errorsSourceId === sourceId) setErrorsSourceId(null);
      onSourcesChanged();
    }
  };

  return (
    <aside className="sidebar" aria-label="Sources panel">
      <div className="sidebar__brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Tracelight</span>
      </div>
      <OpenPathForm onOpened={onSourcesChanged} />
      <div className="sidebar__heading">
        <h2>Sources</h2>
        <span className="sidebar__count">{sources.length}</span>
      </div>
      {sources.length === 0 ? <p className="sidebar__empty">No sources open.</p> : null}
      <ul className="source-list" role="list" aria-label="Sources">
        {sources.map((source) => (
          <SourceItem
            key={source.sourceId}
            source={source}
            isFiltered={filterSourceId === source.sourceId}
            isShowingErrors={errorsSourceId === source.sourceId}
            onToggleFilter={() => setFilterSourceId(filterSourceId === source.sourceId ? null : source.sourceId)}
            onShowErrors={() => setErrorsSourceId(errorsSourceId === source.sourceId ? null : source.sourceId)}
            onClose={() => void close(source.sourceId)}
          />
        ))}
      </ul>
    </aside>
  );
}
