/**
 * Everything about the selected span, read back from its source on demand: overview,
 * derived fields with the attribute each came from, the conversation the engine read from
 * whichever convention carried it, attributes, events (exceptions with their stack traces),
 * links, resource, and the raw record exactly as it is in the file.
 * Span text is only ever rendered as React text.
 */
import { useMemo, useState } from 'react';
import type { SpanDetail } from '../../../shared/contract/wire-types';
import { useSpanDetail } from '../../api/use-span-detail';
import { navigate } from '../../state/route-store';
import { CollapsibleSection } from '../../components/CollapsibleSection';
import { KeyValueTable } from '../../components/KeyValueTable';
import { formatCount, formatCountOf } from '../../lib/format';
import { selectSpanTypeColor } from '../../lib/span-colors';
import { ConversationView } from './ConversationView';
import { EventsList } from './EventsList';
import { LogsList } from './LogsList';
import { OverviewList } from './OverviewList';
import { RawRecordView } from './RawRecordView';

export interface SpanDetailPanelProps {
  sourceId: string;
  sessionId: string | null;
  spanKey: string;
  onClose(): void;
}

export function SpanDetailPanel({ sourceId, sessionId, spanKey, onClose }: SpanDetailPanelProps) {
  const ref = useMemo(() => ({ sourceId, spanKey }), [sourceId, spanKey]);
  const detail = useSpanDetail(ref, sessionId);
  const value = detail.value;
  return (
    <aside className="detail" aria-label="Span detail">
      <header className="detail__header">
        {value ? (
          <>
            <span className="type-badge" style={{ color: selectSpanTypeColor(value.row.spanType), borderColor: `${selectSpanTypeColor(value.row.spanType)}55` }}>
              {value.row.spanType}
            </span>
            <h2 className="detail__title" title={value.row.name}>
              {value.row.name}
            </h2>
          </>
        ) : (
          <h2 className="detail__title muted">{detail.isLoading ? 'Loading span…' : 'Span'}</h2>
        )}
        {detail.isLoading && value ? <span className="spinner" role="status" aria-label="Loading" /> : null}
        <button type="button" className="icon-button" aria-label="Close span detail" title="Close (Esc)" onClick={onClose}>
          ×
        </button>
      </header>
      {detail.error ? (
        <p className="inline-error" role="alert">
          {detail.error}
        </p>
      ) : null}
      {value ? <SpanDetailBody key={detail.valueKey ?? ''} detail={value} sourceId={sourceId} /> : null}
    </aside>
  );
}

function SpanDetailBody({ detail, sourceId }: { detail: SpanDetail; sourceId: string }) {
  const [attributeFilter, setAttributeFilter] = useState('');
  const derivedFrom = useMemo(() => {
    const map = new Map<string, string[]>();
    for (const d of detail.derived) map.set(d.fromKey, [...(map.get(d.fromKey) ?? []), d.field]);
    return map;
  }, [detail.derived]);
  const attributes = useMemo(() => {
    const needle = attributeFilter.trim().toLowerCase();
    return Object.entries(detail.attributes)
      .filter(([key, v]) => !needle || key.toLowerCase().includes(needle) || (typeof v === 'string' && v.toLowerCase().includes(needle)))
      .sort(([a], [b]) => a.localeCompare(b));
  }, [detail.attributes, attributeFilter]);
  const attributeCount = Object.keys(detail.attributes).length;
  const conversation = detail.conversation ?? null;
  const resource = useMemo(() => Object.entries(detail.resource).sort(([a], [b]) => a.localeCompare(b)), [detail.resource]);

  return (
    <div className="detail__body">
      <CollapsibleSection title="Overview">
        <OverviewList
          detail={detail}
          onSelectSpan={(spanKey) => navigate({ sourceId, sessionId: detail.sessionId, spanKey }, { replace: true })}
        />
      </CollapsibleSection>

      {detail.derived.length > 0 ? (
        <CollapsibleSection title="Derived" meta={formatCount(detail.derived.length)}>
          <ul className="derived-list" aria-label="Derived fields">
            {detail.derived.map((d) => (
              <li key={`${d.field}:${d.fromKey}`} className="derived-list__item">
                <span className="derived-list__provenance mono">{`${d.field} ← ${d.fromKey}`}</span>
                <span className="derived-list__value mono">{String(d.value)}</span>
              </li>
            ))}
          </ul>
        </CollapsibleSection>
      ) : null}

      {conversation !== null && conversation.messages.length > 0 ? (
        <CollapsibleSection title="Conversation" meta={formatCountOf(conversation.messages.length, 'message')}>
          <ConversationView conversation={conversation} />
        </CollapsibleSection>
      ) : null}

      <CollapsibleSection
        title="Attributes"
        meta={formatCount(attributeCount)}
        actions={
          attributeCount > 8 ? (
            <input
              className="text-input text-input--small"
              type="search"
              aria-label="Filter attributes"
              placeholder="Filter"
              value={attributeFilter}
              onChange={(e) => setAttributeFilter(e.target.value)}
            />
          ) : undefined
        }
      >
        <KeyValueTable
          label="Attributes"
          entries={attributes}
          emptyText={attributeFilter ? 'No attribute matches.' : 'No attributes.'}
          renderKeyNote={(key) => {
            const fields = derivedFrom.get(key);
            return fields ? (
              <span className="kv-note" title={`Tracelight derived ${fields.join(', ')} from this attribute`}>
                → {fields.join(', ')}
              </span>
            ) : null;
          }}
        />
      </CollapsibleSection>

      <CollapsibleSection title="Events" meta={formatCount(detail.events.length)} isInitiallyOpen={detail.events.length > 0}>
        <EventsList events={detail.events} spanStartUs={detail.row.startUs} />
      </CollapsibleSection>

      {(detail.logs ?? []).length > 0 ? (
        <CollapsibleSection title="Logs" meta={formatCount(detail.logs.length)}>
          <LogsList logs={detail.logs} spanStartUs={detail.row.startUs} />
        </CollapsibleSection>
      ) : null}

      {detail.links.length > 0 ? (
        <CollapsibleSection title="Links" meta={formatCount(detail.links.length)}>
          <ul className="link-list">
            {detail.links.map((link) => (
              <li key={`${link.traceId}:${link.spanId}`} className="link-list__item">
                <div className="mono">
                  trace {link.traceId} · span {link.spanId}
                </div>
                {Object.keys(link.attributes).length > 0 ? (
                  <KeyValueTable label={`Link ${link.spanId} attributes`} entries={Object.entries(link.attributes)} />
                ) : null}
              </li>
            ))}
          </ul>
        </CollapsibleSection>
      ) : null}

      <CollapsibleSection title="Resource" meta={formatCountOf(resource.length, 'attribute')} isInitiallyOpen={false}>
        {detail.scope ? (
          <p className="detail__scope">
            <span className="muted">scope</span> <span className="mono">{detail.scope.name}</span>
            {detail.scope.version ? <span className="mono muted"> {detail.scope.version}</span> : null}
          </p>
        ) : null}
        <KeyValueTable label="Resource" entries={resource} emptyText="No resource attributes." />
      </CollapsibleSection>

      <CollapsibleSection title="Raw record">
        <RawRecordView raw={detail.raw} format={detail.format} />
      </CollapsibleSection>
    </div>
  );
}
