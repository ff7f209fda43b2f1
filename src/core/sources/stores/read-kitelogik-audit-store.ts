/**
 * kitelogik's `audit.db` (FORMATS.md §5.4, §7): one append-only `audit_log` table, in WAL
 * mode, holding one policy decision per gated tool call.
 *
 * Mapping:
 * - each row is one span, an instant at its `timestamp`, named `audit <tool_name>`;
 * - the rows of one `session_id` form a trace, `audit-<session_id>` (rows carry no trace or
 *   span id, so they cannot join the runtime's OTel traces), each row a root in time order;
 *   the session is `kitelogik.session_id`;
 * - the decision JSON becomes the `kitelogik.policy.*` attributes the gate span carries
 *   (allow, deny, requires_hitl, risk_tier, reason, rule_matched, …), its `resolution_trace`
 *   one `kitelogik.policy.resolution` event per tier. The status is the gate's: a deny is
 *   ERROR "Hard blocked by security policy" ("Invalid session token" or "OPA unreachable —
 *   denied" when it failed closed), human review and soft deny ERROR "Tool call denied by
 *   policy", an allow UNSET. That ERROR is a verdict, not a crash;
 * - `outcome`, the args (as stored: JSON text, or the raw string), the policy version and the
 *   HITL action and decider are `kitelogik.audit.*` / `kitelogik.hitl.*` attributes; the
 *   context's fields keep the runtime's names (`kitelogik.user_role`, `.token_id`,
 *   `.delegation_depth`, `.parent_token_id`, `.parent_session_id`) or become
 *   `kitelogik.context.<key>`;
 * - a delegated session (`parent_session_id` in its context) is a separate trace linked to its
 *   parent's (§7 Delegation): each of its rows links to the parent session's latest row at or
 *   before it (else the parent's first row).
 *
 * A row whose decision JSON is unreadable still shows, its decision read from `outcome`, and
 * is reported; so is unreadable context JSON or timestamp.
 */
import type Database from 'better-sqlite3';
import type { Attributes, AttributeValue } from '../../../shared/model/attribute-value';
import type { SpanStatus } from '../../../shared/model/span-type';
import type { NormalizedEvent, NormalizedLink, NormalizedSpan } from '../../ingest/normalized-span';
import { normalizeId } from '../../ingest/normalize-id';
import { parseAnyTimeToNs } from '../../ingest/parse-time';
import { readColumnNames } from './read-store-schema';
import type { StorePointer, StoreReader, StoreRowError, StoreSpan, StoreSpanDetail } from './store-reader';
import { decodeJsonColumn, describeRow, forEachRowPage, PAGE_ROWS, readText, requireColumns } from './store-row-values';
import { auditOutcomeDecision } from '../../semantics/derive-span-fields';

const TABLE = 'audit_log';
const REQUIRED_COLUMNS = ['id', 'session_id', 'tool_name', 'policy_decision_json', 'outcome', 'timestamp'];

type Row = Record<string, unknown>;
type Json = Record<string, unknown>;

/** Context fields the runtime also sets on its spans, under these names (FORMATS.md §7). */
const CONTEXT_KEYS: Record<string, string> = {
  user_role: 'kitelogik.user_role',
  token_id: 'kitelogik.token_id',
  parent_token_id: 'kitelogik.parent_token_id',
  delegation_depth: 'kitelogik.delegation_depth',
  parent_session_id: 'kitelogik.parent_session_id',
};

/** The gate's status message when it failed closed, by the rule that denied (FORMATS.md §7). */
const FAIL_CLOSED_MESSAGES: Record<string, string> = {
  credential_validation: 'Invalid session token',
  opa_connection_failure: 'OPA unreachable — denied',
};

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);
const isScalar = (value: unknown): value is string | number | boolean => ['string', 'number', 'boolean'].includes(typeof value);

/** A decoded JSON value as a flat attribute: scalars and lists of scalars as they are, anything else as JSON text. */
function toAttribute(value: unknown): AttributeValue {
  if (value === null || value === undefined) return null;
  if (isScalar(value)) return value;
  if (Array.isArray(value) && value.every(isScalar)) return value;
  return JSON.stringify(value);
}

/** A JSON object column, or null (reported) when it is not one. */
function readJsonObject(db: Database.Database, row: Row, column: string, consequence: string, errors: StoreRowError[]): Json | null {
  let decoded: unknown;
  try {
    decoded = decodeJsonColumn(db, row[column]);
  } catch {
    decoded = undefined;
  }
  if (isObject(decoded)) return decoded;
  if (row[column] !== null && row[column] !== undefined) {
    errors.push({ table: TABLE, rowid: Number(row.row_id), reason: `column ${column} is not a JSON object; ${consequence}` });
  }
  return null;
}

const traceIdOf = (sessionId: string): string => `audit-${sessionId}`;

/** A row as a delegated session's link target sees it. */
interface RowRef {
  rowid: number;
  id: unknown;
  timeNs: bigint | null;
}

/** The rows of parent sessions, in (time, rowid) order, rows without a time last; memoized while reading the store whole. */
class ParentSessions {
  private readonly known = new Map<string, RowRef[]>();
  private readonly statement: Database.Statement;

  constructor(
    db: Database.Database,
    private readonly memoize: boolean,
  ) {
    this.statement = db.prepare(`SELECT rowid AS row_id, id, timestamp FROM ${TABLE} WHERE session_id = ? ORDER BY rowid`);
    this.statement.safeIntegers(true);
  }

  /** The parent's latest row at or before `timeNs`, else its first; null when the parent has no rows here. */
  findTarget(sessionId: string, timeNs: bigint | null): RowRef | null {
    let refs = this.memoize ? this.known.get(sessionId) : undefined;
    if (!refs) {
      refs = (this.statement.all(sessionId) as Row[]).map((row) => ({ rowid: Number(row.row_id), id: row.id, timeNs: parseAnyTimeToNs(row.timestamp) }));
      refs.sort((a, b) => {
        if (a.timeNs !== b.timeNs) {
          if (a.timeNs === null) return 1;
          if (b.timeNs === null) return -1;
          return a.timeNs < b.timeNs ? -1 : 1;
        }
        return a.rowid - b.rowid;
      });
      if (this.memoize) this.known.set(sessionId, refs);
    }
    if (timeNs === null) return refs[0] ?? null;
    // Rows with a time come first, in time order: the target is the last of them at or before `timeNs`.
    let low = 0;
    let high = refs.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const at = refs[mid].timeNs;
      if (at !== null && at <= timeNs) low = mid + 1;
      else high = mid;
    }
    return (low > 0 ? refs[low - 1] : refs[0]) ?? null;
  }
}

/** The gate's status for a decision (FORMATS.md §7). */
function readGateStatus(decision: string | null, ruleMatched: unknown): { status: SpanStatus; statusMessage: string | null } {
  if (decision === 'deny') {
    return { status: 'error', statusMessage: (typeof ruleMatched === 'string' ? FAIL_CLOSED_MESSAGES[ruleMatched] : undefined) ?? 'Hard blocked by security policy' };
  }
  if (decision === 'hitl' || decision === 'soft-deny') return { status: 'error', statusMessage: 'Tool call denied by policy' };
  return { status: 'unset', statusMessage: null };
}

/** allow / deny / hitl / soft-deny from the decision JSON (deny wins), or from the outcome without it. */
function readDecision(policy: Json | null, outcome: string | null): string | null {
  if (policy === null || (typeof policy.allow !== 'boolean' && typeof policy.deny !== 'boolean')) return outcome === null ? null : auditOutcomeDecision(outcome);
  if (policy.deny === true) return 'deny';
  if (policy.allow === true) return 'allow';
  return policy.requires_hitl === true ? 'hitl' : 'soft-deny';
}

function buildAuditSpan(db: Database.Database, row: Row, parents: ParentSessions, errors: StoreRowError[]): StoreSpan | null {
  const rowid = Number(row.row_id);
  const sessionId = readText(row.session_id);
  if (readText(row.id) === null || readText(row.id) === '' || sessionId === null || sessionId === '') {
    errors.push({ table: TABLE, rowid, reason: 'no id or no session_id' });
    return null;
  }
  const timestamp = readText(row.timestamp);
  const timeNs = parseAnyTimeToNs(timestamp);
  if (timeNs === null) errors.push({ table: TABLE, rowid, reason: `timestamp ${JSON.stringify(timestamp)} is not an ISO 8601 time; the row has no time` });
  const outcome = readText(row.outcome);
  const toolName = readText(row.tool_name);
  const policy = readJsonObject(db, row, 'policy_decision_json', 'the decision is read from outcome', errors);
  const context = readJsonObject(db, row, 'context_json', 'its fields are left out', errors);

  const attributes: Attributes = {};
  const put = (key: string, value: AttributeValue) => {
    if (value !== null && value !== '') attributes[key] = value;
  };
  put('kitelogik.audit.id', readText(row.id));
  put('kitelogik.session_id', sessionId);
  put('kitelogik.tool_name', toolName);
  put('kitelogik.audit.outcome', outcome);
  put('kitelogik.audit.args', Buffer.isBuffer(row.args_json) ? `<blob, ${row.args_json.length} bytes>` : readText(row.args_json));
  put('kitelogik.audit.policy_version', readText(row.policy_version));
  put('kitelogik.hitl.action_id', readText(row.hitl_action_id));
  put('kitelogik.hitl.decided_by', readText(row.hitl_decided_by));
  for (const [key, value] of Object.entries(policy ?? {})) if (key !== 'resolution_trace') put(`kitelogik.policy.${key}`, toAttribute(value));
  for (const [key, value] of Object.entries(context ?? {})) {
    if (key === 'session_id' && value === sessionId) continue;
    put(CONTEXT_KEYS[key] ?? `kitelogik.context.${key}`, toAttribute(value));
  }

  const events: NormalizedEvent[] = [];
  const resolution = policy?.resolution_trace;
  if (Array.isArray(resolution)) {
    for (const step of resolution) {
      if (!isObject(step)) continue;
      const stepAttributes: Attributes = {};
      for (const [key, value] of Object.entries(step)) stepAttributes[key] = toAttribute(value);
      events.push({ name: 'kitelogik.policy.resolution', timeNs, attributes: stepAttributes });
    }
  }

  const links: NormalizedLink[] = [];
  const parentSessionId = typeof context?.parent_session_id === 'string' ? context.parent_session_id : '';
  if (parentSessionId !== '' && parentSessionId !== sessionId) {
    const target = parents.findTarget(parentSessionId, timeNs);
    if (target) {
      const linkAttributes: Attributes = { 'kitelogik.parent_session_id': parentSessionId };
      if (typeof context?.parent_token_id === 'string' && context.parent_token_id !== '') linkAttributes['kitelogik.parent_token_id'] = context.parent_token_id;
      links.push({ traceId: traceIdOf(parentSessionId), spanId: normalizeId(target.id), attributes: linkAttributes });
    }
  }

  const span: NormalizedSpan = {
    traceId: traceIdOf(sessionId),
    spanId: normalizeId(row.id),
    parentSpanId: null,
    name: `audit ${toolName ?? 'tool call'}`,
    kind: 'internal',
    startNs: timeNs,
    endNs: timeNs,
    ...readGateStatus(readDecision(policy, outcome), policy?.rule_matched),
    attributes,
    events,
    links,
    resource: {},
    scope: null,
  };
  return { span, pointer: { table: TABLE, rowid, index: 0 } };
}

function readAll(db: Database.Database, emit: (span: StoreSpan) => void, error: (problem: StoreRowError) => void): void {
  requireColumns(TABLE, readColumnNames(db, TABLE), REQUIRED_COLUMNS);
  const parents = new ParentSessions(db, true);
  forEachRowPage(db.prepare(`SELECT rowid AS row_id, * FROM ${TABLE} WHERE rowid > ? ORDER BY rowid LIMIT ${PAGE_ROWS}`), TABLE, error, (row) => {
    const errors: StoreRowError[] = [];
    const span = buildAuditSpan(db, row, parents, errors);
    if (span) emit(span);
    errors.forEach(error);
  });
}

function readOne(db: Database.Database, pointer: StorePointer): StoreSpanDetail | null {
  if (pointer.table !== TABLE || pointer.index !== 0) return null;
  requireColumns(TABLE, readColumnNames(db, TABLE), REQUIRED_COLUMNS);
  const statement = db.prepare(`SELECT rowid AS row_id, * FROM ${TABLE} WHERE rowid = ?`);
  statement.safeIntegers(true);
  const row = statement.get(pointer.rowid) as Row | undefined;
  if (!row) return null;
  const found = buildAuditSpan(db, row, new ParentSessions(db, false), []);
  if (!found) return null;
  const { row_id: _rowid, ...columns } = row;
  return { span: found.span, raw: describeRow(db, columns) };
}

export const kitelogikAuditStoreReader: StoreReader = {
  format: 'kitelogik-audit-db',
  tables: [TABLE],
  matches: (tables) => tables.has(TABLE),
  // FORMATS.md §1: `audit_log` *with* `policy_decision_json`; any other audit_log is another system's.
  requiredColumns: { [TABLE]: ['policy_decision_json'] },
  readAll,
  readOne,
};
