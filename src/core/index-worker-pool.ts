/**
 * A small pool of index worker threads, one per core by default, shared by every source.
 * Workers start when there is work for them: reopening an index that is up to date starts none
 * (a starting worker takes a core for ~100 ms, which a session's first tree would otherwise
 * share). Jobs go to an idle worker, else a new one while the pool is not full, else the least
 * busy; a worker that dies fails its jobs (the source reports it) and is replaced on demand.
 *
 * The worker script is the built `index-worker.js` next to the engine bundle; when running
 * from source (tests, the bench) it is the TypeScript file, loaded through tsx.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import { WriteTurn } from './write-turn';
import type { IndexJob, IndexJobResult, IndexStoreJob, SessionTreesJob, WorkerJob, WorkerReply } from './index-worker-protocol';

interface PoolWorker {
  worker: Worker;
  pending: Map<number, { resolve: (r: IndexJobResult) => void; reject: (e: Error) => void }>;
}

/**
 * Where the worker code is, built or from source. `TRACELIGHT_INDEX_WORKER` names a built
 * worker to use instead: the bench runs the engine from source but measures the worker users
 * run (tsx's transform adds per-closure overhead the build does not have).
 */
export function locateWorkerScript(): { path: string; isTypeScript: boolean } {
  const override = process.env.TRACELIGHT_INDEX_WORKER;
  if (override && existsSync(override)) return { path: override, isTypeScript: false };
  for (const candidate of [join(__dirname, 'index-worker.js'), join(__dirname, '..', 'index-worker.js')]) {
    if (existsSync(candidate)) return { path: candidate, isTypeScript: false };
  }
  return { path: join(__dirname, 'index-worker.ts'), isTypeScript: true };
}

const YOUNG_GENERATION_MB = 16;

let isScavengeSet = false;

/**
 * Each isolate collects its young generation on its own thread, not with V8's helper threads:
 * with two workers allocating fast on two cores, their parallel scavenges each took helper
 * threads from the other worker's core (measured: ingest +3-6% on 200 MB, same result alone).
 * Process-wide; it only changes how many threads a scavenge uses, so it is safe to set late
 * (unlike --single-threaded-gc, which also stops concurrent marking already under way).
 */
function scavengeOnOwnThread(): void {
  if (isScavengeSet) return;
  isScavengeSet = true;
  setFlagsFromString('--no-parallel-scavenge');
}
const TSX_BOOTSTRAP = `require('tsx/cjs/api').register(); require(require('node:worker_threads').workerData.script);`;

export class IndexWorkerPool {
  private readonly workers: PoolWorker[] = [];
  private nextJobId = 1;
  private isClosed = false;
  private readonly script = locateWorkerScript();
  /** Shared by the workers: one of them writes at a time (see WriteTurn). */
  private readonly writeTurn = WriteTurn.createBuffer();

  constructor(private readonly size = Math.max(1, Math.min(availableParallelism(), 4))) {}

  /** Starts every worker now, for work known to be coming (a file with bytes to index): they start while it is opened. */
  startAll(): void {
    while (!this.isClosed && this.workers.length < this.size) this.workers.push(this.spawn());
  }

  /**
   * Starts every worker and resolves once each has loaded (answered a ping) and, with
   * `warmUp`, indexed a made-up trace so its indexing code is compiled (index-warm-up-job.ts).
   */
  async start(options: { warmUp?: boolean } = {}): Promise<void> {
    this.startAll();
    await Promise.all(
      this.workers.map(async (entry) => {
        await this.post(entry, { type: 'ping', jobId: this.nextJobId++ }, []);
        if (options.warmUp) await this.post(entry, { type: 'warmUp', jobId: this.nextJobId++ }, []);
      }),
    );
  }

  /** Worker threads running now (they start on demand, at most the pool's size). */
  get startedWorkers(): number {
    return this.workers.length;
  }

  private spawn(): PoolWorker {
    scavengeOnOwnThread();
    // A young generation that holds what one piece (1 MB) allocates, so a piece's spans die
    // young instead of being promoted and collected by full GCs: 16 MB measured 8-12% faster
    // than 8 MB with span blocks (8 MB won while spans were rows and 32 MB crowded the caches).
    const resourceLimits = { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB };
    const worker = this.script.isTypeScript
      ? new Worker(TSX_BOOTSTRAP, { eval: true, workerData: { script: this.script.path, writeTurn: this.writeTurn }, resourceLimits })
      : // The built worker needs no loader of the parent's (`--import tsx` under the bench and
        // tests): inherited, it lexes every module the worker loads and takes a core compiling it.
        new Worker(this.script.path, { workerData: { writeTurn: this.writeTurn }, resourceLimits, execArgv: [] });
    const entry: PoolWorker = { worker, pending: new Map() };
    worker.unref();
    worker.on('message', (reply: WorkerReply) => {
      const waiter = entry.pending.get(reply.jobId);
      if (!waiter) return;
      entry.pending.delete(reply.jobId);
      if (reply.ok) waiter.resolve(reply);
      else waiter.reject(new Error(reply.error));
    });
    const fail = (error: Error) => {
      // A worker that died while writing would hold the turn forever: free it (SQLite's own
      // lock still keeps writes apart if another worker had it).
      WriteTurn.release(this.writeTurn);
      for (const waiter of entry.pending.values()) waiter.reject(error);
      entry.pending.clear();
      const index = this.workers.indexOf(entry);
      if (index !== -1) this.workers.splice(index, 1);
    };
    worker.on('error', (error) => fail(error));
    worker.on('exit', (code) => {
      if (!this.isClosed) fail(new Error(`index worker stopped (exit code ${code})`));
    });
    return entry;
  }

  private post(entry: PoolWorker, job: WorkerJob, transfer: ArrayBuffer[]): Promise<IndexJobResult> {
    return new Promise((resolve, reject) => {
      entry.pending.set(job.jobId, { resolve, reject });
      // A job in flight keeps the process alive; an idle pool does not.
      entry.worker.ref();
      entry.worker.postMessage(job, transfer);
    }).finally(() => {
      if (entry.pending.size === 0) entry.worker.unref();
    }) as Promise<IndexJobResult>;
  }

  /** An idle worker, else a new one while the pool is not full, else the least busy. */
  private leastBusy(): PoolWorker {
    let best: PoolWorker | undefined;
    for (const entry of this.workers) if (!best || entry.pending.size < best.pending.size) best = entry;
    if (best && (best.pending.size === 0 || this.workers.length >= this.size)) return best;
    const spawned = this.spawn();
    this.workers.push(spawned);
    return spawned;
  }

  /** Indexes one piece on the least busy worker; its bytes are transferred, not copied. */
  run(job: Omit<IndexJob, 'jobId' | 'type'>): Promise<IndexJobResult> {
    if (this.isClosed) return Promise.reject(new Error('the index workers are stopped'));
    return this.post(this.leastBusy(), { ...job, type: 'index', jobId: this.nextJobId++ }, [job.bytes]);
  }

  /** Reads a whole run database into a fresh index on the least busy worker. */
  runStore(job: Omit<IndexStoreJob, 'jobId' | 'type'>): Promise<IndexJobResult> {
    if (this.isClosed) return Promise.reject(new Error('the index workers are stopped'));
    return this.post(this.leastBusy(), { ...job, type: 'indexStore', jobId: this.nextJobId++ }, []);
  }

  /** Stores the span trees of an index's big sessions (see index-session-trees-job); resolves to the trees written. */
  async runSessionTrees(job: Omit<SessionTreesJob, 'jobId' | 'type'>): Promise<number> {
    if (this.isClosed) throw new Error('the index workers are stopped');
    const result = await this.post(this.leastBusy(), { ...job, type: 'sessionTrees', jobId: this.nextJobId++ }, []);
    return result.treesWritten ?? 0;
  }

  /** Makes every worker close its connection to an index (before the files are removed). */
  async closeDb(dbPath: string): Promise<void> {
    if (this.isClosed) return;
    await Promise.all(this.workers.map((entry) => this.post(entry, { type: 'closeDb', jobId: this.nextJobId++, dbPath }, []).catch(() => undefined)));
  }

  async close(): Promise<void> {
    this.isClosed = true;
    await Promise.all(this.workers.map((entry) => entry.worker.terminate()));
    this.workers.length = 0;
  }
}
