/**
 * How a session's run outcome and tags are shown: the outcome as a small badge whose text is
 * the status itself (so it reads the same to a screen reader), with a tooltip explaining it,
 * and the tags as one line of chips whose full list goes in a tooltip.
 */
import type { SessionSummary } from '../../shared/contract/wire-types';

export type RunStatus = NonNullable<SessionSummary['runStatus']>;

export interface RunOutcomeBadge {
  /** The badge text: the status as the engine names it. */
  label: RunStatus;
  /** Colour class suffix: muted green, amber, red. */
  tone: 'ok' | 'warning' | 'danger';
  /** Tooltip. */
  title: string;
}

const BADGES: Readonly<Record<RunStatus, RunOutcomeBadge>> = {
  completed: { label: 'completed', tone: 'ok', title: 'every run completed' },
  truncated: { label: 'truncated', tone: 'warning', title: 'the run finished but was cut short' },
  error: { label: 'error', tone: 'danger', title: 'a run ended with an error' },
};

/** The badge of a session's worst run outcome; null for a session without typed runs (or a status this build does not know). */
export function describeRunStatus(status: string | null | undefined): RunOutcomeBadge | null {
  return status != null && Object.prototype.hasOwnProperty.call(BADGES, status) ? BADGES[status as RunStatus] : null;
}

/** Tags as one readable line, for a tooltip or a cell's plain text: "a, b, c"; '' without tags. */
export function formatTagList(tags: readonly string[] | null | undefined): string {
  return (tags ?? []).filter((t) => t.length > 0).join(', ');
}
