/** The span's essentials as a definition list: what, when, how long, ids, model, tokens, verdict. */
import type { ReactNode } from 'react';
import type { SpanDetail } from '../../../shared/contract/wire-types';
import { formatCostUsd, formatDurationUs, formatPreciseDateTimeUs, formatTokens } from '../../lib/format';
import { DECISION_COLORS, DECISION_LABELS } from '../../lib/span-colors';

function Item({ term, children, isMono = false }: { term: string; children: ReactNode; isMono?: boolean }) {
  return (
    <div className="overview__item">
      <dt>{term}</dt>
      <dd className={isMono ? 'mono' : undefined}>{children}</dd>
    </div>
  );
}

export function OverviewList({ detail, onSelectSpan }: { detail: SpanDetail; onSelectSpan?(spanKey: string): void }) {
  const { row } = detail;
  const derived = new Map(detail.derived.map((d) => [d.field, d.value]));
  const cost = derived.get('costUsd');
  const riskTier = derived.get('riskTier');
  const reason = derived.get('decisionReason');
  const provider = derived.get('provider');
  return (
    <dl className="overview">
      <Item term="Name">{row.name}</Item>
      <Item term="Type">{row.spanType}</Item>
      <Item term="Status">
        <span className={`status-pill status-pill--${row.status}`}>{row.status}</span>
        {detail.statusMessage ? <span className="overview__status-message">{detail.statusMessage}</span> : null}
      </Item>
      <Item term="Kind">{detail.kind}</Item>
      <Item term="Start" isMono>
        {formatPreciseDateTimeUs(row.startUs)}
      </Item>
      <Item term="Duration" isMono>
        {row.endUs === null ? <span className="running-text">running (no end yet)</span> : formatDurationUs(row.endUs - row.startUs)}
      </Item>
      <Item term="Trace ID" isMono>
        {row.traceId}
      </Item>
      <Item term="Span ID" isMono>
        {row.spanId}
      </Item>
      <Item term="Parent" isMono>
        {row.isOrphan ? (
          <span className="orphan-badge">parent missing</span>
        ) : row.parentKey !== null && onSelectSpan ? (
          <button type="button" className="link-button mono" onClick={() => onSelectSpan(row.parentKey as string)}>
            Go to parent span
          </button>
        ) : (
          '— (root)'
        )}
      </Item>
      <Item term="Session" isMono>
        {detail.sessionId}
      </Item>
      {row.model || provider ? (
        <Item term="Model" isMono>
          {row.model ?? '—'}
          {provider ? <span className="muted"> ({String(provider)})</span> : null}
        </Item>
      ) : null}
      {row.inputTokens !== null || row.outputTokens !== null ? (
        <Item term="Tokens" isMono>
          {formatTokens(row.inputTokens ?? 0)} in / {formatTokens(row.outputTokens ?? 0)} out
        </Item>
      ) : null}
      {typeof cost === 'number' && cost > 0 ? (
        <Item term="Cost" isMono>
          {formatCostUsd(cost)}
        </Item>
      ) : null}
      {row.decision ? (
        <Item term="Decision">
          <span className="decision-badge" style={{ color: DECISION_COLORS[row.decision], borderColor: `${DECISION_COLORS[row.decision]}66` }}>
            {DECISION_LABELS[row.decision]}
          </span>
          {riskTier !== undefined ? <span className="muted"> risk tier {String(riskTier)}</span> : null}
          {reason !== undefined ? <div className="overview__reason">{String(reason)}</div> : null}
        </Item>
      ) : null}
      <Item term="Format" isMono>
        {detail.format}
      </Item>
    </dl>
  );
}
