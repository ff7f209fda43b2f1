/**
 * The kitelogik audit reader beyond its golden fixture: what the derived fields make of each
 * outcome (a gate ERROR is a verdict), reading a live WAL store while its writer appends,
 * paging, detection by the decision column, a store lacking a column, and reading a row back raw.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
// open-store first: it loads the reader registry, which imports the reader.
import { openStore } from '../../../../src/core/sources/stores/open-store';
import { kitelogikAuditStoreReader } from '../../../../src/core/sources/stores/read-kitelogik-audit-store';
import { deriveSpanFields } from '../../../../src/core/semantics/derive-span-fields';
import { build as buildAuditLog } from '../../../fixtures/stores/kitelogik-audit-db/audit-log.build';
import { readWholeStore, useStoreBuilder } from '../../../helpers/store-builder';

const makeStorePath = useStoreBuilder('tracelight-kitelogik-audit-');
const readAll = (db: Database.Database) => readWholeStore(kitelogikAuditStoreReader, db);




const INSERT = `INSERT INTO audit_log (id, session_id, tool_name, args_json, policy_decision_json, policy_version, hitl_action_id, hitl_decided_by, outcome, timestamp, context_json)
  VALUES (?, ?, ?, '{}', ?, 'abc', NULL, NULL, ?, ?, '{"session_id": "s", "delegation_depth": 0}')`;

describe('derived fields of audit rows', () => {
  const db = new Database(makeStorePath(buildAuditLog), { readonly: true, fileMustExist: true });
  const { spans } = readAll(db);
  afterAll(() => db.close());

  it('reads every outcome as a policy verdict with its decision, risk tier and reason', () => {
    const rows = spans.map(({ span }) => {
      const fields = deriveSpanFields(span.name, span.attributes);
      return [span.attributes['kitelogik.audit.outcome'], fields.spanType, fields.decision, fields.isVerdict, fields.riskTier, span.status];
    });
    expect(rows).toEqual([
      ['allowed', 'policy', 'allow', true, 'INFORMATIONAL', 'unset'],
      ['hitl_queued', 'policy', 'hitl', true, 'TRANSACTIONAL_HIGH', 'error'],
      ['hitl_approved', 'policy', 'hitl', true, 'TRANSACTIONAL_HIGH', 'error'],
      ['allowed', 'policy', 'allow', true, 'OPERATIONAL', 'unset'],
      ['soft_denied', 'policy', 'soft-deny', true, 'TRANSACTIONAL_LOW', 'error'],
      ['blocked', 'policy', 'deny', true, 'DESTRUCTIVE', 'error'],
      ['hitl_denied', 'policy', 'hitl', true, 'TRANSACTIONAL_HIGH', 'error'],
      ['hitl_timeout', 'policy', 'hitl', true, 'TRANSACTIONAL_HIGH', 'error'],
      ['blocked', 'policy', 'deny', true, 'SECURITY_CRITICAL', 'error'],
      ['blocked', 'policy', 'deny', true, null, 'error'],
      ['blocked', 'policy', 'deny', true, 'SECURITY_CRITICAL', 'error'],
    ]);
  });

  it('takes the decision from the outcome only when the decision JSON is unreadable, and says so', () => {
    const fields = deriveSpanFields(spans[9].span.name, spans[9].span.attributes);
    expect(fields.provenance.find((p) => p.field === 'decision')).toEqual({ field: 'decision', value: 'deny', fromKey: 'kitelogik.audit.outcome' });
    const readable = deriveSpanFields(spans[5].span.name, spans[5].span.attributes);
    expect(readable.provenance.find((p) => p.field === 'decision')?.fromKey).toBe('kitelogik.policy.deny');
    expect(readable.provenance.find((p) => p.field === 'spanType')?.fromKey).toBe('kitelogik.audit.outcome');
  });

  it('puts each session in its own trace and session, the delegated one linked to its parent', () => {
    const traces = new Map<string, string | null>();
    for (const { span } of spans) traces.set(span.traceId, deriveSpanFields(span.name, span.attributes).sessionKey);
    expect(Object.fromEntries(traces)).toEqual({
      'audit-sess_support_7f3a': 'sess_support_7f3a',
      'audit-sess_billing_19c2': 'sess_billing_19c2',
      'audit-sess_anon_0b77': 'sess_anon_0b77',
    });
    const delegated = spans.filter(({ span }) => span.links.length > 0).map(({ span }) => span.links[0].traceId);
    expect(delegated).toEqual(Array(4).fill('audit-sess_support_7f3a'));
  });
});

describe('a live store', () => {
  it('reads what the writer committed while it keeps the WAL open, and more on the next read', () => {
    const path = makeStorePath(buildAuditLog);
    const writer = new Database(path);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    const decision = '{"allow": true, "deny": false, "risk_tier": "OPERATIONAL", "requires_hitl": false, "reason": "ok", "rule_matched": "r"}';
    writer.prepare(INSERT).run('a'.repeat(32), 'sess_live', 'ping', decision, 'allowed', '2026-05-02T09:00:00+00:00');

    const opened = openStore(path);
    if (!opened.ok) throw new Error(opened.reason);
    try {
      expect(opened.reader.format).toBe('kitelogik-audit-db');
      expect(readAll(opened.db).spans).toHaveLength(12);
      writer.prepare(INSERT).run('b'.repeat(32), 'sess_live', 'ping', decision, 'allowed', '2026-05-02T09:00:01+00:00');
      const { spans } = readAll(opened.db);
      expect(spans).toHaveLength(13);
      expect(opened.reader.readOne(opened.db, spans[12].pointer)?.span).toEqual(spans[12].span);
    } finally {
      opened.db.close();
      writer.close();
    }
  });

  it('pages through more rows than one read holds', () => {
    const path = makeStorePath((db) => {
      buildAuditLog(db);
      const insert = db.prepare(INSERT);
      const decision = '{"allow": false, "deny": true, "risk_tier": "DESTRUCTIVE", "requires_hitl": false, "reason": "no", "rule_matched": "r"}';
      db.transaction(() => {
        for (let i = 0; i < 2500; i++) insert.run(i.toString(16).padStart(32, '0'), 'sess_bulk', 'drop_table', decision, 'blocked', '2026-05-03T00:00:00+00:00');
      })();
    });
    const db = new Database(path, { readonly: true, fileMustExist: true });
    const { spans, errors } = readAll(db);
    expect(errors).toHaveLength(1);
    expect(spans).toHaveLength(11 + 2500);
    expect(new Set(spans.map(({ pointer }) => pointer.rowid)).size).toBe(2511);
    db.close();
  });
});

describe('stores and rows the reader cannot read', () => {
  it('takes an audit_log without policy_decision_json for another system\'s, not a kitelogik store (FORMATS.md §1)', () => {
    const path = makeStorePath((writer) => writer.exec('CREATE TABLE audit_log (id INTEGER PRIMARY KEY, message TEXT)'));
    expect(openStore(path)).toEqual({ ok: false, reason: 'not a run database Tracelight knows: tables audit_log' });
  });

  it('still knows a kitelogik store by its policy_decision_json column, however the name is cased', () => {
    const path = makeStorePath((writer) => writer.exec('CREATE TABLE Audit_Log (id TEXT PRIMARY KEY, session_id TEXT, tool_name TEXT, Policy_Decision_JSON TEXT, outcome TEXT, timestamp TEXT)'));
    const opened = openStore(path);
    expect(opened.ok && opened.reader.format).toBe('kitelogik-audit-db');
    if (opened.ok) opened.db.close();
  });

  it('names the column a store lacks', () => {
    const db = new Database(makeStorePath((writer) => writer.exec('CREATE TABLE audit_log (id TEXT PRIMARY KEY, session_id TEXT, tool_name TEXT, policy_decision_json TEXT, timestamp TEXT)')), { readonly: true });
    expect(() => readAll(db)).toThrow(/table audit_log has no column outcome/);
    db.close();
  });

  it('reports a row with an empty session and reads on', () => {
    const db = new Database(
      makeStorePath((writer) => {
        buildAuditLog(writer);
        writer.prepare(INSERT).run('c'.repeat(32), '', 'ping', '{}', 'allowed', '2026-05-02T09:00:00+00:00');
      }),
      { readonly: true },
    );
    const { spans, errors } = readAll(db);
    expect(spans).toHaveLength(11);
    expect(errors).toContainEqual({ table: 'audit_log', rowid: 12, reason: 'no id or no session_id' });
    expect(kitelogikAuditStoreReader.readOne(db, { table: 'audit_log', rowid: 12, index: 0 })).toBeNull();
    db.close();
  });
});

describe('reading one row back', () => {
  const db = new Database(makeStorePath(buildAuditLog), { readonly: true, fileMustExist: true });
  afterAll(() => db.close());

  it('keeps args stored as a raw string as they are and decodes the JSON columns', () => {
    const detail = kitelogikAuditStoreReader.readOne(db, { table: 'audit_log', rowid: 9, index: 0 });
    expect(detail?.raw).toMatchObject({
      args_json: 'rm -rf /tmp/cache',
      outcome: 'blocked',
      policy_decision_json: { deny: true, rule_matched: 'credential_validation' },
      context_json: { session_id: 'sess_anon_0b77', delegation_depth: 0 },
    });
    expect(detail?.span.statusMessage).toBe('Invalid session token');
  });

  it('returns null for a row that is not there', () => {
    expect(kitelogikAuditStoreReader.readOne(db, { table: 'audit_log', rowid: 99, index: 0 })).toBeNull();
  });
});
