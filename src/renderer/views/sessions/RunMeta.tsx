/**
 * A session's merged run meta as one line of "key: value" chips (like the tag chips), the
 * whole list in the tooltip. Meta is span text: React text only.
 */
import type { Attributes } from '../../../shared/model/attribute-value';
import { listMetaEntries } from '../../lib/run-meta';

export function RunMetaChips({ meta }: { meta: Attributes | null | undefined }) {
  const entries = listMetaEntries(meta);
  if (entries.length === 0) return null;
  return (
    <span className="meta-chips" title={entries.join('\n')}>
      {entries.map((entry, i) => (
        <span key={entry}>
          {i > 0 ? ' ' : null}
          <span className="meta-chip">{entry}</span>
        </span>
      ))}
    </span>
  );
}
