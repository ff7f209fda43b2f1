/**
 * Run databases through the engine: a kitelogik audit.db written by another process (WAL, as
 * kitelogik writes it) while Tracelight watches it, unknown and corrupt databases, reopening
 * an unchanged store, and the promise that a store is never written.
 */
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { chmodSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TraceEvents } from '../../src/shared/contract/trace-api';
import { useTraceServiceHarness } from '../helpers/use-trace-service-harness';
import { waitFor } from '../helpers/wait-for';
import { build as buildPhoenixWithAnnotations } from '../fixtures/stores/phoenix-db/annotations.build';
import { execSqliteElsewhere, writeSqliteElsewhere } from '../helpers/write-sqlite-elsewhere';

const harness = useTraceServiceHarness('tracelight-store-');
const { makeService, openOne } = harness;

/** kitelogik's audit store (FORMATS.md §5.4): one append-only table, WAL. */
const AUDIT_DDL = `
PRAGMA journal_mode = WAL;
CREATE TABLE audit_log (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  tool_name TEXT NOT NULL,
  args_json TEXT,
  policy_decision_json TEXT NOT NULL,
  policy_version TEXT,
  outcome TEXT NOT NULL,
  timestamp TEXT NOT NULL,
  context_json TEXT,
  hitl_action_id TEXT,
  hitl_decided_by TEXT
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
`;

let nextRow = 1;
function auditRow(sessionId: string, outcome: string, second: number): [string, unknown[]] {
  const id = (nextRow++).toString(16).padStart(32, '0');
  const isAllowed = outcome === 'allowed';
  const decision = {
    allow: isAllowed,
    deny: outcome === 'blocked',
    risk_tier: isAllowed ? 'OPERATIONAL' : 'DESTRUCTIVE',
    requires_hitl: outcome.startsWith('hitl_'),
    reason: isAllowed ? 'within policy' : 'destructive action',
    rule_matched: isAllowed ? 'default_allow' : 'block_destructive',
    resolution_trace: [],
  };
  return [
    `INSERT INTO audit_log (id, session_id, tool_name, args_json, policy_decision_json, policy_version, outcome, timestamp, context_json)
     VALUES (?, ?, 'shell.exec', ?, ?, 'a1b2c3d4e5f60718', ?, ?, ?)`,
    [
      id,
      sessionId,
      JSON.stringify({ command: 'ls' }),
      JSON.stringify(decision),
      outcome,
      `2026-11-20T10:00:${String(second).padStart(2, '0')}.000000+00:00`,
      JSON.stringify({ session_id: sessionId, user_role: 'developer', delegation_depth: 0 }),
    ],
  ];
}

function makeAuditDb(path: string): void {
  execSqliteElsewhere(path, AUDIT_DDL);
  writeSqliteElsewhere(path, [auditRow('sess-a', 'allowed', 1), auditRow('sess-a', 'blocked', 2), auditRow('sess-b', 'soft_denied', 3)]);
}

describe('run databases through the engine', () => {
  it('reads a kitelogik audit.db into sessions, a waterfall and span details read back from their rows', async () => {
    const path = join(harness.dir, 'audit.db');
    makeAuditDb(path);
    const service = makeService(false);
    const { sourceId } = await openOne(service, path);
    await service.whenIdle();

    const [info] = await service.listSources();
    expect(info).toMatchObject({ format: 'kitelogik-audit-db', status: 'idle', spans: 3, sessions: 2, errors: 0, failure: null });
    const page = await service.listSessions({ sourceId, sortBy: 'start', sortDir: 'asc', offset: 0, limit: 10 });
    expect(page.rows.map((row) => row.sessionId)).toEqual(['sess-a', 'sess-b']);
    expect(page.rows[0]).toMatchObject({ spans: 2, denials: 1 });

    const window = await service.getWaterfall({ sourceId, sessionId: 'sess-a', collapsedKeys: [], offset: 0, limit: 100 });
    if (!window.ok) throw new Error(window.error);
    expect(window.value.rows).toHaveLength(2);
    const blocked = window.value.rows.find((row) => row.decision === 'deny');
    expect(blocked).toBeDefined();

    const detail = await service.getSpanDetail({ sourceId, spanKey: blocked!.spanKey });
    if (!detail.ok) throw new Error(detail.error);
    expect(detail.value.format).toBe('kitelogik-audit-db');
    expect(detail.value.raw).toMatchObject({ path, table: 'audit_log', line: 0 });
    expect(detail.value.raw.rowid).toBeGreaterThan(0);
    expect(detail.value.raw.text).toContain('block_destructive');
  });

  it("stores big sessions' trees in the fresh index before swapping it in, and shows the waterfall a built tree shows", async () => {
    const path = join(harness.dir, 'audit.db');
    makeAuditDb(path);
    const service = makeService(false, { storedTreeMinSpans: 2 });
    const { sourceId } = await openOne(service, path);
    await service.whenIdle();
    const fromStored = await service.getWaterfall({ sourceId, sessionId: 'sess-a', collapsedKeys: [], offset: 0, limit: 100 });
    await service.close();
    const folder = join(harness.cacheDir, 'index');
    const current = join(folder, readFileSync(join(folder, readdirSync(folder).find((name) => name.endsWith('.current'))!), 'utf8').trim());
    const index = new Database(current);
    expect(index.prepare('SELECT session_id FROM session_trees').pluck().all()).toEqual(['sess-a']);
    index.prepare('DELETE FROM session_trees').run();
    index.close();

    // The unchanged store's index is reused, now without a stored tree: the engine builds it.
    const plain = makeService(false);
    const reopened = await openOne(plain, path);
    await plain.whenIdle();
    expect(await plain.getWaterfall({ sourceId: reopened.sourceId, sessionId: 'sess-a', collapsedKeys: [], offset: 0, limit: 100 })).toEqual(fromStored);
  });

  it('shows rows another process commits while the store is watched', async () => {
    const path = join(harness.dir, 'audit.db');
    makeAuditDb(path);
    const service = makeService(true);
    const appended: TraceEvents['spansAppended'][] = [];
    service.subscribe((name, payload) => {
      if (name === 'spansAppended') appended.push(payload as TraceEvents['spansAppended']);
    });
    const { sourceId } = await openOne(service, path);
    await service.whenIdle();
    expect((await service.listSources())[0]).toMatchObject({ spans: 3, status: 'live', isLive: true });
    // The first read announces every session; only what the writer adds later matters here.
    await waitFor(() => appended.some((event) => event.sessionId === 'sess-b'), 'the first read announced');
    appended.length = 0;
    // What the renderer holds from before the store changed: an unchanged session's span key.
    const before = await service.getWaterfall({ sourceId, sessionId: 'sess-b', collapsedKeys: [], offset: 0, limit: 10 });
    if (!before.ok) throw new Error(before.error);
    const heldKey = before.value.rows[0].spanKey;
    const heldDetail = await service.getSpanDetail({ sourceId, spanKey: heldKey });

    writeSqliteElsewhere(path, [auditRow('sess-a', 'hitl_queued', 4), auditRow('sess-c', 'allowed', 5)]);
    await waitFor(async () => (await service.listSources())[0].spans === 5, 'the two new rows');
    await service.whenIdle();
    const sessions = await service.listSessions({ sourceId, sortBy: 'start', sortDir: 'asc', offset: 0, limit: 10 });
    expect(sessions.rows.map((row) => [row.sessionId, row.spans])).toEqual([['sess-a', 3], ['sess-b', 1], ['sess-c', 1]]);
    await waitFor(() => appended.some((event) => event.sessionId === 'sess-a' && event.count === 1), 'spansAppended for sess-a');
    expect(appended.some((event) => event.sessionId === 'sess-b')).toBe(false);
    // Re-read whole, the store keeps its span keys: the held key is still the same span.
    const after = await service.getSpanDetail({ sourceId, spanKey: heldKey });
    expect(after.ok && heldDetail.ok && [after.value.sessionId, after.value.row.spanId, after.value.raw.rowid]).toEqual(
      heldDetail.ok ? [heldDetail.value.sessionId, heldDetail.value.row.spanId, heldDetail.value.raw.rowid] : null,
    );
  });

  it('keeps span keys across re-reads, even when a new row is read before an old one', async () => {
    // Phoenix: annotations are read after every span, so a new span comes before them.
    const path = join(harness.dir, 'phoenix.db');
    const writer = new Database(path);
    buildPhoenixWithAnnotations(writer);
    const columns = (writer.prepare('PRAGMA table_info(spans)').all() as { name: string }[]).map((c) => c.name).filter((name) => name !== 'id');
    writer.close();
    const service = makeService(true);
    const { sourceId } = await openOne(service, path);
    await service.whenIdle();
    const sessions = await service.listSessions({ sourceId, offset: 0, limit: 50 });
    const graded = [];
    for (const session of sessions.rows) {
      const window = await service.getWaterfall({ sourceId, sessionId: session.sessionId, collapsedKeys: [], offset: 0, limit: 100 });
      if (window.ok) graded.push(...window.value.rows.filter((row) => row.name.startsWith('annotation ')));
    }
    expect(graded.length).toBeGreaterThan(0);
    const held = await service.getSpanDetail({ sourceId, spanKey: graded[0].spanKey });
    if (!held.ok) throw new Error(held.error);
    const spansBefore = (await service.listSources())[0].spans;

    const copied = columns.map((name) => (name === 'span_id' ? `span_id || '-copy'` : `"${name}"`)).join(', ');
    writeSqliteElsewhere(path, [[`INSERT INTO spans (${columns.map((name) => `"${name}"`).join(', ')}) SELECT ${copied} FROM spans ORDER BY id LIMIT 1`]]);
    await waitFor(async () => (await service.listSources())[0].spans === spansBefore + 1, 'the copied span');
    await service.whenIdle();
    const again = await service.getSpanDetail({ sourceId, spanKey: graded[0].spanKey });
    expect(again.ok && [again.value.row.spanId, again.value.raw.table, again.value.raw.rowid]).toEqual([held.value.row.spanId, held.value.raw.table, held.value.raw.rowid]);
  });

  it('follows a store replaced by a new file, and opens one that had no tables yet once it has', async () => {
    const path = join(harness.dir, 'audit.db');
    // Created by the agent before its first run: a database without tables.
    execSqliteElsewhere(path, 'PRAGMA user_version = 0;');
    const service = makeService(true);
    const { sourceId } = await openOne(service, path);
    expect((await service.listSources())[0]).toMatchObject({ status: 'failed', failure: 'an empty SQLite database (no tables yet)' });
    execSqliteElsewhere(path, AUDIT_DDL);
    writeSqliteElsewhere(path, [auditRow('sess-a', 'allowed', 1)]);
    await waitFor(async () => (await service.listSources())[0].spans === 1, 'the tables and the first row');
    expect((await service.listSources())[0]).toMatchObject({ status: 'live', failure: null, format: 'kitelogik-audit-db' });

    // Replaced: a new file under the same name (a reset, a copy from elsewhere).
    const replacement = join(harness.dir, 'audit-new.db');
    makeAuditDb(replacement);
    renameSync(replacement, path);
    await waitFor(async () => (await service.listSources())[0].spans === 3, 'the replacement database');
    writeSqliteElsewhere(path, [auditRow('sess-d', 'blocked', 7)]);
    await waitFor(async () => (await service.listSources())[0].spans === 4, 'a commit to the replacement');
    const sessions = await service.listSessions({ sourceId, offset: 0, limit: 10 });
    expect(sessions.rows.map((row) => row.sessionId).sort()).toEqual(['sess-a', 'sess-b', 'sess-d']);
  });

  it('never writes the store: a read-only database in a read-only folder opens and stays byte-identical', async () => {
    const path = join(harness.dir, 'audit.db');
    execSqliteElsewhere(path, AUDIT_DDL.replace('PRAGMA journal_mode = WAL;', 'PRAGMA journal_mode = DELETE;'));
    writeSqliteElsewhere(path, [auditRow('sess-a', 'allowed', 1)]);
    const hash = () => createHash('sha1').update(readFileSync(path)).digest('hex');
    const before = hash();
    chmodSync(path, 0o444);
    chmodSync(harness.dir, 0o555);
    const service = makeService(false);
    const { sourceId } = await openOne(service, path);
    await service.whenIdle();
    expect((await service.listSources())[0]).toMatchObject({ spans: 1, status: 'idle' });
    const window = await service.getWaterfall({ sourceId, sessionId: 'sess-a', collapsedKeys: [], offset: 0, limit: 10 });
    if (!window.ok) throw new Error(window.error);
    const detail = await service.getSpanDetail({ sourceId, spanKey: window.value.rows[0].spanKey });
    expect(detail.ok).toBe(true);
    expect(hash()).toBe(before);
  });

  it('reuses the index of an unchanged store and re-reads a changed one on reopen', async () => {
    const path = join(harness.dir, 'audit.db');
    makeAuditDb(path);
    const first = makeService(false);
    await openOne(first, path);
    await first.whenIdle();
    await first.close();

    const second = makeService(false);
    const reopened = await openOne(second, path);
    // Reused: counted before any worker ran.
    expect(reopened).toMatchObject({ spans: 3, status: 'idle' });
    await second.close();

    writeSqliteElsewhere(path, [auditRow('sess-b', 'allowed', 9)]);
    const third = makeService(false);
    await openOne(third, path);
    await third.whenIdle();
    expect((await third.listSources())[0]).toMatchObject({ spans: 4, sessions: 2 });
  });

  it('explains an unknown schema and a corrupt database without failing anything else', async () => {
    const unknown = join(harness.dir, 'notes.db');
    execSqliteElsewhere(unknown, 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); CREATE TABLE tags (name TEXT);');
    const corrupt = join(harness.dir, 'broken.db');
    writeFileSync(corrupt, Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(4096, 0x5a)]));
    const good = join(harness.dir, 'audit.db');
    makeAuditDb(good);

    const service = makeService(false);
    const opened = await service.openPath({ path: harness.dir });
    if (!opened.ok) throw new Error(opened.error);
    await service.whenIdle();
    const byName = new Map((await service.listSources()).map((source) => [source.name, source]));
    expect(byName.get('notes.db')).toMatchObject({ status: 'failed', spans: 0 });
    expect(byName.get('notes.db')!.failure).toBe('not a run database Tracelight knows: tables notes, tags');
    expect(byName.get('broken.db')).toMatchObject({ status: 'failed', spans: 0 });
    expect(byName.get('broken.db')!.failure).toMatch(/^cannot (open|read) the database: /);
    expect(byName.get('audit.db')).toMatchObject({ status: 'idle', spans: 3 });
    const sessions = await service.listSessions({ offset: 0, limit: 10 });
    expect(sessions.total).toBe(2);
  });
});
