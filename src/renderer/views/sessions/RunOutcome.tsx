/**
 * A session's run outcome badge and its tag chips, shared by the sessions table and the
 * waterfall header. The badge's text is the outcome, so it reads as text; the chips sit on
 * one line that ends in an ellipsis when they do not fit, with the full list in the tooltip.
 */
import type { SessionSummary } from '../../../shared/contract/wire-types';
import { describeRunStatus, formatTagList } from '../../lib/run-outcome';

export function RunOutcomeBadge({ status }: { status: SessionSummary['runStatus'] }) {
  const badge = describeRunStatus(status);
  if (!badge) return null;
  return (
    <span className={`outcome-badge outcome-badge--${badge.tone}`} title={badge.title}>
      {badge.label}
    </span>
  );
}

export function TagChips({ tags, className = '' }: { tags: readonly string[]; className?: string }) {
  const list = tags.filter((t) => t.length > 0);
  if (list.length === 0) return null;
  return (
    <span className={`tag-chips ${className}`.trim()} title={formatTagList(list)}>
      {list.map((tag, i) => (
        // The spaces between chips keep the tags apart in accessible names and copied text.
        <span key={`${i}\u0000${tag}`}>
          {i > 0 ? ' ' : null}
          <span className="tag-chip">{tag}</span>
        </span>
      ))}
    </span>
  );
}
