/**
 * The index worker pool starts its threads on demand: none until there is a piece to index
 * (reopening an up-to-date index must not take a core for thread start-up while a session's
 * tree is built), a second only while the first is busy, never more than its size.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { IndexWorkerPool } from '../../src/core/index-worker-pool';
import { IndexDb } from '../../src/core/index/index-db';
import { runIndexJob } from '../../src/core/index-worker';
import { runWarmUpJob } from '../../src/core/index-warm-up-job';
import { makeTempDir } from '../helpers/temp-dir';

function piece(spanId: string, offset: number): { bytes: ArrayBuffer; lengthBytes: number } {
  const record = JSON.stringify({
    name: `op ${spanId}`,
    context: { trace_id: `0x${'ab'.repeat(16)}`, span_id: `0x${spanId.padStart(16, '0')}` },
    kind: 'SpanKind.INTERNAL',
    parent_id: null,
    start_time: '2026-11-20T00:00:00.000000Z',
    end_time: '2026-11-20T00:00:01.000000Z',
    status: { status_code: 'UNSET' },
    attributes: {},
  });
  const bytes = Buffer.from(`${record}\n`);
  return { bytes: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), lengthBytes: bytes.length };
}

describe('IndexWorkerPool', () => {
  let dir: string;
  let remove: () => void;
  let pool: IndexWorkerPool;
  beforeEach(() => {
    ({ path: dir, remove } = makeTempDir());
    pool = new IndexWorkerPool(2);
  });
  afterEach(async () => {
    await pool.close();
    remove();
  });

  it('starts no thread until there is work, then one per busy worker up to its size', async () => {
    const dbPath = join(dir, 'index.sqlite');
    new IndexDb(dbPath).close();
    expect(pool.startedWorkers).toBe(0);
    await pool.closeDb(dbPath);
    expect(pool.startedWorkers).toBe(0);

    const job = (spanId: string, offset: number) => pool.run({ dbPath, ...piece(spanId, offset), offset, line: 1, isClosed: true, encoding: 'json' });
    expect((await job('1', 0)).spans).toBe(1);
    expect(pool.startedWorkers).toBe(1);
    // The idle worker takes the next piece: no second thread for work done one piece at a time.
    await job('2', 1000);
    expect(pool.startedWorkers).toBe(1);
    // Pieces in flight together get a second thread, and no third.
    const results = await Promise.all([job('3', 2000), job('4', 3000), job('5', 4000), job('6', 5000)]);
    expect(results.map((result) => result.spans)).toEqual([1, 1, 1, 1]);
    expect(pool.startedWorkers).toBe(2);
    const db = new IndexDb(dbPath);
    expect(db.getCounts().spans).toBe(6);
    db.close();
  });

  it('starts all its threads at once when work is known to be coming, and no more', () => {
    pool.startAll();
    expect(pool.startedWorkers).toBe(2);
    pool.startAll();
    expect(pool.startedWorkers).toBe(2);
  });

  it('resolves start() once every thread has loaded and answered', async () => {
    await pool.start();
    expect(pool.startedWorkers).toBe(2);
    await pool.start();
    expect(pool.startedWorkers).toBe(2);
  });

  it('warms its threads up on a made-up trace of their own, leaving no file behind and real work unchanged', async () => {
    await pool.start({ warmUp: true });
    expect(pool.startedWorkers).toBe(2);
    // The warm-up's index was in memory: nothing was written to the cache folder.
    expect(readdirSync(dir)).toEqual([]);
    // The index exists before pieces arrive, as a source creates it (two workers creating the
    // same new database at once can find it locked).
    const dbPath = join(dir, 'index.sqlite');
    new IndexDb(dbPath).close();
    const results = await Promise.all([0, 1, 2, 3].map((i) => pool.run({ dbPath, ...piece(String(i + 1), i * 1000), offset: i * 1000, line: 1, isClosed: true, encoding: 'json' })));
    expect(results.map((result) => result.spans)).toEqual([1, 1, 1, 1]);
    const db = new IndexDb(dbPath);
    expect(db.getCounts()).toMatchObject({ spans: 4, traces: 1 });
    db.close();
  });
});

describe('runWarmUpJob', () => {
  it('indexes its made-up console spans into new and growing traces and sessions, without errors', () => {
    const formats = new Set<string>();
    let traces = 0;
    let sessions = 0;
    const spans = runWarmUpJob((job, db) => {
      const result = runIndexJob(job, db, (writes) => writes());
      for (const format of result.formats) formats.add(format);
      traces += result.traces;
      sessions += result.sessions;
      expect(result.errors).toBe(0);
      return result;
    });
    expect(spans).toBeGreaterThan(10_000);
    expect([...formats]).toEqual(['otel-console']);
    expect(traces).toBeGreaterThan(100);
    expect(sessions).toBeGreaterThan(30);
  });
});
