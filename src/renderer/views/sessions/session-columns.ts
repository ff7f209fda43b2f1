/** The sessions table's columns: header, sort key (if the engine can sort by it), width, cell text. */
import type { SessionSortKey, SessionSummary } from '../../../shared/contract/wire-types';
export { buildGridTemplate } from '../../lib/grid-template';
import { formatCostUsd, formatCount, formatDateTimeUs, formatDurationUs, formatTokenPair } from '../../lib/format';
import { describeRunStatus, formatTagList } from '../../lib/run-outcome';

export interface SessionColumn {
  id: string;
  label: string;
  sortKey: SessionSortKey | null;
  /** Narrowest width, px; every row uses the same tracks, so columns line up. */
  minPx: number;
  /** Share of spare width this column takes (0: fixed). */
  grow: number;
  isNumeric: boolean;
  /** Sort direction when first clicked. */
  firstDir: 'asc' | 'desc';
  /** Plain text of the cell (a badge or chips column shows it as such, and uses it as the tooltip). */
  format(row: SessionSummary): string;
  /** How the cell is drawn: text (default), the run outcome badge, or tag chips. */
  cell?: 'text' | 'outcome' | 'tags';
  /** Marks a cell that deserves attention (errors, denials). */
  isAlert?(row: SessionSummary): boolean;
}

const count = (n: number) => (n === 0 ? '0' : formatCount(n));

export const SESSION_COLUMNS: readonly SessionColumn[] = [
  { id: 'session', label: 'Session', sortKey: 'session', minPx: 180, grow: 2, isNumeric: false, firstDir: 'asc', format: (r) => r.sessionId },
  { id: 'start', label: 'Start', sortKey: 'start', minPx: 164, grow: 0, isNumeric: false, firstDir: 'desc', format: (r) => formatDateTimeUs(r.startUs) },
  {
    id: 'duration',
    label: 'Duration',
    sortKey: 'duration',
    minPx: 84, grow: 0,
    isNumeric: true,
    firstDir: 'desc',
    format: (r) => (r.hasOpenSpans && r.durationUs === null ? 'running' : formatDurationUs(r.durationUs)),
  },
  { id: 'traces', label: 'Traces', sortKey: 'traces', minPx: 64, grow: 0, isNumeric: true, firstDir: 'desc', format: (r) => count(r.traces) },
  { id: 'spans', label: 'Spans', sortKey: 'spans', minPx: 70, grow: 0, isNumeric: true, firstDir: 'desc', format: (r) => count(r.spans) },
  { id: 'errors', label: 'Errors', sortKey: 'errors', minPx: 64, grow: 0, isNumeric: true, firstDir: 'desc', format: (r) => count(r.errors), isAlert: (r) => r.errors > 0 },
  { id: 'denials', label: 'Denials', sortKey: 'denials', minPx: 70, grow: 0, isNumeric: true, firstDir: 'desc', format: (r) => count(r.denials), isAlert: (r) => r.denials > 0 },
  { id: 'humanReviews', label: 'Human reviews', sortKey: 'humanReviews', minPx: 112, grow: 0, isNumeric: true, firstDir: 'desc', format: (r) => count(r.humanReviews), isAlert: (r) => r.humanReviews > 0 },
  { id: 'outcome', label: 'Outcome', sortKey: null, minPx: 92, grow: 0, isNumeric: false, firstDir: 'asc', cell: 'outcome', format: (r) => describeRunStatus(r.runStatus)?.label ?? '' },
  { id: 'tags', label: 'Tags', sortKey: null, minPx: 168, grow: 1, isNumeric: false, firstDir: 'asc', cell: 'tags', format: (r) => formatTagList(r.tags) },
  { id: 'tokens', label: 'Tokens (in/out)', sortKey: 'tokens', minPx: 118, grow: 0, isNumeric: true, firstDir: 'desc', format: (r) => formatTokenPair(r.inputTokens, r.outputTokens) },
  { id: 'cost', label: 'Cost', sortKey: 'cost', minPx: 76, grow: 0, isNumeric: true, firstDir: 'desc', format: (r) => formatCostUsd(r.costUsd) },
  { id: 'models', label: 'Models', sortKey: null, minPx: 140, grow: 1.5, isNumeric: false, firstDir: 'asc', format: (r) => r.models.join(', ') || '—' },
];

export const SOURCE_COLUMN = { minPx: 140, grow: 1 };
