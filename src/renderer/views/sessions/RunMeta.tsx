/**
 * A session's merged run meta as one line of "key: value" chips (like the tag chips), the
 * whole list in the tooltip, and the Tags and Meta stats of a session header. Meta is span
 * text: React text only.
 */
import type { Attributes } from '../../../shared/model/attribute-value';
import { listMetaEntries } from '../../lib/run-meta';
import { TagChips } from './RunOutcome';

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

/** A session header's Tags and Meta stats (each only when there is something to show). */
export function RunLabelStats({ tags, meta }: { tags: readonly string[]; meta: Attributes | null | undefined }) {
  return (
    <>
      {tags.length > 0 ? (
        <div className="stat stat--wide stat--tags">
          <dt>Tags</dt>
          <dd>
            <TagChips tags={[...tags]} />
          </dd>
        </div>
      ) : null}
      {Object.keys(meta ?? {}).length > 0 ? (
        <div className="stat stat--wide stat--tags">
          <dt>Meta</dt>
          <dd>
            <RunMetaChips meta={meta} />
          </dd>
        </div>
      ) : null}
    </>
  );
}
