/**
 * One measurement in a process of its own, started by run-bench.ts as
 * `node --import tsx bench/bench-child.ts <mode> --path FILE [--form F] [--cache DIR]`.
 * Prints exactly one line `BENCH_RESULT {json}` on stdout (everything else goes to stderr) and
 * reports the process's peak RSS (VmHWM) at the end, so each figure belongs to one engine run.
 *
 * Modes:
 *   baseline        the simplest possible program: read the file in 8 MB chunks and JSON.parse
 *                   each record (compact: split on "\n"; pretty: a record ends at a line that is
 *                   exactly "}"). Two passes; the faster counts.
 *   ingest          TraceService with a fresh cache: openPath -> whenIdle, then the index size.
 *                   In ingest, first-sessions and reopen the engine's index workers are started
 *                   (loaded and warmed up) before the clock starts, as the app starts them at
 *                   launch (TraceService.startIndexWorkers); their start-up is not indexing.
 *                   With --cold-workers they are only loaded, not warmed up (a file opened the
 *                   moment the engine starts: the JIT compiles while it indexes).
 *   first-sessions  openPath, then poll listSessions every 2 ms until it returns a row; exits
 *                   without waiting for the rest of the file.
 *   reopen          same cache as a finished ingest: openPath -> whenIdle -> a sessions page.
 *   waterfall-query same cache as a finished ingest: getWaterfall of --session, cold and warm.
 *   collapse-query  same cache as a finished ingest: getWaterfall of --session with the span named
 *                   --span-name collapsed, then expanded again, --repeats times each (the window the
 *                   page asks for at the top: offset 0, limit 200), after a first cold window.
 *   sessions-query  same cache as a finished ingest: listSessions windows as the sessions table
 *                   asks for them (newest first): the top, cold and warm, the middle and the end,
 *                   and the first offset whose window comes back short; across sources (no
 *                   filter) and filtered to the source.
 *   live-api        a watching TraceService follows --path (the live seed, bench/live-span.ts)
 *                   while bench/live-writer.ts, another process, appends --appends spans one
 *                   every --interval-ms; per span, the time from its write (the writer's
 *                   CLOCK_MONOTONIC) until: the kernel's inotify event (fs.watch), a chokidar
 *                   watcher set up like the engine's, the span being queryable (listSources
 *                   polled every 1 ms), its spansAppended event, and a getWaterfall issued
 *                   after that event returning its row. Then --pairs pairs of appends
 *                   --pair-gap-ms apart, a pair every 700 ms (a parent ending just after its child).
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readdirSync, readSync, statSync, watch as fsWatch } from 'node:fs';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { watch as chokidarWatch } from 'chokidar';
import { TraceService } from '../src/core/trace-service';
import type { TraceEvents } from '../src/shared/contract/trace-api';
import { LIVE_SESSION_ID, monotonicMs } from './live-span';

const CHUNK_BYTES = 8 * 1024 * 1024;
const POLL_MS = 2;
/** Pairs of the live-api burst part start this far apart: more than the tailer's 500 ms safety poll. */
const PAIR_INTERVAL_MS = 700;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    path: { type: 'string' },
    form: { type: 'string', default: 'compact' },
    cache: { type: 'string' },
    passes: { type: 'string', default: '2' },
    session: { type: 'string' },
    'span-name': { type: 'string' },
    repeats: { type: 'string', default: '5' },
    appends: { type: 'string', default: '200' },
    'interval-ms': { type: 'string', default: '50' },
    'start-us': { type: 'string' },
    pairs: { type: 'string', default: '0' },
    'pair-gap-ms': { type: 'string', default: '20' },
    'cold-workers': { type: 'boolean', default: false },
  },
});

/** Peak and current resident set size of this process, in MB, from /proc/self/status. */
function memoryMb(): { peakRssMb: number; rssMb: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakRssMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

/** Bytes of the index databases in a cache folder: *.sqlite and their -wal files. */
function indexBytes(cacheDir: string): { bytes: number; files: Record<string, number> } {
  const files: Record<string, number> = {};
  let bytes = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.sqlite(-wal)?$/.test(entry.name)) {
        const size = statSync(full).size;
        files[full.slice(cacheDir.length + 1)] = size;
        bytes += size;
      }
    }
  };
  walk(cacheDir);
  return { bytes, files };
}

function finish(result: Record<string, unknown>): never {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ ...result, ...memoryMb() })}\n`);
  process.exit(0);
}

/** Opens the file on the cache of a finished ingest, waits until it is idle and returns its source id. */
async function openIndexed(service: TraceService, path: string): Promise<string> {
  const opened = await service.openPath({ path });
  if (!opened.ok) throw new Error(opened.error);
  await service.whenIdle();
  return opened.value[0].sourceId;
}

/** Runs `run` and returns its value and the ms it took. */
async function timed<T>(run: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await run();
  return { value, ms: performance.now() - start };
}

/** One pass of the bare program; returns records parsed and the time taken. */
function bareParse(path: string, form: string): { records: number; bytes: number; ms: number } {
  // compact: one record per line; pretty: json.dumps(indent=4) objects back to back, each
  // closed by a line that is exactly "}".
  const separator = form === 'pretty' ? '\n}\n' : '\n';
  const keep = form === 'pretty' ? 2 : 0; // the "\n}" belongs to the record
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const decoder = new StringDecoder('utf8');
  const fd = openSync(path, 'r');
  let records = 0;
  let bytes = 0;
  let named = 0;
  let tail = '';
  const start = performance.now();
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      bytes += n;
      const text = tail + decoder.write(buffer.subarray(0, n));
      let from = 0;
      for (;;) {
        const at = text.indexOf(separator, from);
        if (at === -1) break;
        const record = text.slice(from, at + keep);
        from = at + separator.length;
        if (record.length === 0) continue;
        const value = JSON.parse(record) as { name?: unknown };
        if (value.name !== undefined) named++;
        records++;
      }
      tail = text.slice(from);
    }
    const rest = (tail + decoder.end()).trim();
    if (rest.length > 0) {
      JSON.parse(rest);
      records++;
    }
  } finally {
    closeSync(fd);
  }
  const ms = performance.now() - start;
  if (named !== records) throw new Error(`baseline: ${records - named} records without a name`);
  return { records, bytes, ms };
}

async function main(): Promise<void> {
  const mode = positionals[0];
  const path = values.path;
  if (!path) throw new Error('--path is required');
  const sizeBytes = statSync(path).size;

  if (mode === 'baseline') {
    const passes = [];
    for (let i = 0; i < Number(values.passes); i++) passes.push(bareParse(path, values.form!));
    const best = passes.reduce((a, b) => (b.ms < a.ms ? b : a));
    finish({
      mode,
      form: values.form,
      sizeBytes,
      records: best.records,
      ms: best.ms,
      passMs: passes.map((p) => p.ms),
      mbPerSec: sizeBytes / 1048576 / (best.ms / 1000),
    });
  }

  const cacheDir = values.cache;
  if (!cacheDir) throw new Error('--cache is required');
  const service = new TraceService({ cacheDir, watch: mode === 'live-api' });

  if (mode === 'live-api') finish(await measureLiveApi(service, path, sizeBytes));

  if (mode === 'ingest' || mode === 'reopen' || mode === 'first-sessions') await service.startIndexWorkers({ warmUp: !values['cold-workers'] });

  if (mode === 'ingest' || mode === 'reopen') {
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const start = performance.now();
    const opened = await service.openPath({ path });
    if (!opened.ok) throw new Error(opened.error);
    const openMs = performance.now() - start;
    await service.whenIdle();
    const idleMs = performance.now() - start;
    let page = await service.listSessions({ offset: 0, limit: 50 });
    while (page.rows.length === 0 && performance.now() - start < 60_000) {
      await sleep(POLL_MS);
      page = await service.listSessions({ offset: 0, limit: 50 });
    }
    const ms = performance.now() - start;
    loopDelay.disable();
    const [info] = await service.listSources();
    const totals = (await service.summarize()).totals;
    const whileOpen = indexBytes(cacheDir);
    await service.close();
    const afterClose = indexBytes(cacheDir);
    finish({
      mode,
      sizeBytes,
      openMs,
      idleMs,
      ms,
      mbPerSec: sizeBytes / 1048576 / (idleMs / 1000),
      sessionsShown: page.rows.length,
      firstSessionId: page.rows[0]?.sessionId ?? null,
      info,
      totals,
      indexBytes: whileOpen.bytes,
      indexFiles: whileOpen.files,
      indexBytesAfterClose: afterClose.bytes,
      eventLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      eventLoopDelayMaxMs: loopDelay.max / 1e6,
    });
  }

  if (mode === 'waterfall-query') {
    // The engine's side of opening a big session: its first window, cold (tree not built
    // yet) and warm, on an index that is already complete.
    const sourceId = await openIndexed(service, path);
    const sessionId = values.session!;
    const window = (offset: number) => timed(() => service.getWaterfall({ sourceId, sessionId, collapsedKeys: [], offset, limit: 200 }));
    const times: number[] = [];
    let totalRows = 0;
    for (let i = 0; i < 3; i++) {
      const { value: top, ms } = await window(0);
      times.push(ms);
      if (!top.ok) throw new Error(top.error);
      totalRows = top.value.totalRows;
    }
    const { value: middle, ms: middleMs } = await window(Math.floor(totalRows / 2));
    if (!middle.ok) throw new Error(middle.error);
    await service.close();
    finish({ mode, sizeBytes, ms: times[0], coldMs: times[0], warmMs: Math.min(...times.slice(1)), middleMs, totalRows, mbPerSec: NaN });
  }

  if (mode === 'collapse-query') {
    // The engine's side of collapsing and expanding one big subtree: each toggle is a
    // getWaterfall with other collapsed keys, the window the page asks for at the top.
    const sourceId = await openIndexed(service, path);
    const sessionId = values.session!;
    const spanName = values['span-name']!;
    const window = (collapsedKeys: string[]) => timed(() => service.getWaterfall({ sourceId, sessionId, collapsedKeys, offset: 0, limit: 200 }));
    const { value: first, ms: coldMs } = await window([]);
    if (!first.ok) throw new Error(first.error);
    const target = first.value.rows.find((row) => row.name === spanName);
    if (!target) throw new Error(`no row named ${spanName} in the first 200 rows`);
    const collapseMs: number[] = [];
    const expandMs: number[] = [];
    let collapsedRows = 0;
    for (let i = 0; i < Number(values.repeats); i++) {
      const { value: collapsed, ms: collapseTookMs } = await window([target.spanKey]);
      collapseMs.push(collapseTookMs);
      if (!collapsed.ok) throw new Error(collapsed.error);
      collapsedRows = collapsed.value.totalRows;
      const { value: expanded, ms: expandTookMs } = await window([]);
      expandMs.push(expandTookMs);
      if (!expanded.ok) throw new Error(expanded.error);
    }
    // The same window again, unchanged keys: what a toggle costs once the flattened list is cached.
    const { ms: sameKeysMs } = await window([]);
    await service.close();
    finish({
      mode,
      sizeBytes,
      ms: coldMs,
      coldMs,
      collapseMs,
      expandMs,
      sameKeysMs,
      totalRows: first.value.totalRows,
      collapsedRows,
      spanKey: target.spanKey,
      childCount: target.childCount,
      mbPerSec: NaN,
    });
  }

  if (mode === 'sessions-query') {
    // The engine's side of the sessions table: the windows it asks for (quantum 50, pad 60, a
    // window of 100 rows here), newest first. Without a source filter, as the table opens
    // (across sources), and with the source's filter (clicking the source in the sidebar).
    const sourceId = await openIndexed(service, path);
    const window = async (offset: number, isFiltered: boolean) => {
      const { value: page, ms } = await timed(() => service.listSessions({ offset, limit: 100, sortBy: 'start', sortDir: 'desc', ...(isFiltered ? { sourceId } : {}) }));
      return { ms, rows: page.rows.length, total: page.total };
    };
    const measure = async (isFiltered: boolean) => {
      const top = [];
      for (let i = 0; i < 3; i++) top.push(await window(0, isFiltered));
      const total = top[0].total;
      const middle = [];
      for (let i = 0; i < 3; i++) middle.push(await window(Math.floor(total / 2) - 50, isFiltered));
      const end = await window(Math.max(0, total - 100), isFiltered);
      // The first window that comes back short: rows past it never reach the table.
      let firstShortOffset: number | null = null;
      for (let offset = 0; offset < total; offset += offset < 10_000 ? 500 : 10_000) {
        const page = await window(offset, isFiltered);
        if (page.rows < Math.min(100, total - offset)) {
          firstShortOffset = offset;
          break;
        }
      }
      return {
        total,
        coldMs: top[0].ms,
        warmMs: Math.min(...top.slice(1).map((t) => t.ms)),
        middleMs: Math.min(...middle.map((t) => t.ms)),
        middleRows: middle[0].rows,
        endMs: end.ms,
        endRows: end.rows,
        firstShortOffset,
      };
    };
    const all = await measure(false);
    const filtered = await measure(true);
    await service.close();
    finish({ mode, sizeBytes, ms: all.coldMs, ...all, filtered, mbPerSec: NaN });
  }

  if (mode === 'first-sessions') {
    const start = performance.now();
    let openMs = -1;
    let openError: string | null = null;
    void service.openPath({ path }).then((opened) => {
      openMs = performance.now() - start;
      if (!opened.ok) openError = opened.error;
    });
    let polls = 0;
    for (;;) {
      polls++;
      const page = await service.listSessions({ offset: 0, limit: 50 });
      const now = performance.now();
      if (page.rows.length > 0) {
        const [info] = await service.listSources();
        finish({ mode, sizeBytes, ms: now - start, openMs, polls, rows: page.rows.length, total: page.total, bytesRead: info?.bytesRead ?? null });
      }
      if (openError) throw new Error(openError);
      if (now - start > 120_000) throw new Error('no sessions after 120 s');
      await sleep(POLL_MS);
    }
  }

  throw new Error(`unknown mode ${mode}`);
}

/** Times per appended span (ms after its write, on CLOCK_MONOTONIC) along the path to the API. */
async function measureLiveApi(service: TraceService, path: string, sizeBytes: number): Promise<Record<string, unknown>> {
  const appends = Number(values.appends);
  const intervalMs = Number(values['interval-ms']);
  const sourceId = await openIndexed(service, path);
  const baseSpans = (await service.listSources())[0].spans;

  // Raw notifications, for the breakdown: the kernel's (fs.watch on the file) and chokidar's,
  // watching the folder with the options src/core/sources/file-tailer.ts uses.
  const kernelEvents: number[] = [];
  const chokidarEvents: number[] = [];
  const rawWatcher = fsWatch(path, () => kernelEvents.push(monotonicMs()));
  const target = resolve(path);
  const folder = dirname(target);
  const chokidar = chokidarWatch(folder, {
    depth: 0,
    persistent: true,
    ignoreInitial: true,
    awaitWriteFinish: false,
    ignored: (file: string) => file !== folder && resolve(file) !== target,
  });
  chokidar.on('change', () => chokidarEvents.push(monotonicMs()));
  await new Promise<void>((ready) => chokidar.once('ready', () => ready()));

  // Appended spans are in order, so "the first n are in" is one counter per stage.
  const indexedAt: number[] = [];
  const eventAt: number[] = [];
  const queryAt: number[] = [];
  let isPolling = true;
  const polling = (async () => {
    while (isPolling) {
      const [info] = await service.listSources();
      const t = monotonicMs();
      for (let n = info.spans - baseSpans; indexedAt.length < n; ) indexedAt.push(t);
      await sleep(1);
    }
  })();

  let eventCount = 0;
  let queries = 0;
  let isQuerying = false;
  let isQueryAgain = false;
  const confirm = async () => {
    if (isQuerying) {
      isQueryAgain = true;
      return;
    }
    isQuerying = true;
    do {
      isQueryAgain = false;
      const announced = eventCount;
      const window = await service.getWaterfall({ sourceId, sessionId: LIVE_SESSION_ID, collapsedKeys: [], offset: 0, limit: 2000 });
      const t = monotonicMs();
      queries++;
      if (!window.ok) continue;
      for (const row of window.value.rows) {
        const match = /^live_append_(\d{4})$/.exec(row.name);
        const seq = match ? Number(match[1]) : -1;
        if (seq >= 0 && seq < announced && queryAt[seq] === undefined) queryAt[seq] = t;
      }
    } while (isQueryAgain);
    isQuerying = false;
  };
  const unsubscribe = service.subscribe((name, payload) => {
    if (name !== 'spansAppended') return;
    const event = payload as TraceEvents['spansAppended'];
    if (event.sessionId !== LIVE_SESSION_ID) return;
    const t = monotonicMs();
    eventCount += event.count;
    while (eventAt.length < eventCount) eventAt.push(t);
    void confirm();
  });

  // The writer: another process, so the append really comes from outside. First a steady
  // stream, then pairs of writes --pair-gap-ms apart (a parent span ending just after its child).
  const writerPath = join(dirname(fileURLToPath(import.meta.url)), 'live-writer.ts');
  const writtenAt: number[] = [];
  const runWriter = async (count: number, firstSeq: number, interval: number, pairGapMs: number | null) => {
    const args = ['--path', path, '--count', String(count), '--interval-ms', String(interval), '--start-us', String(values['start-us']), '--first-seq', String(firstSeq)];
    if (pairGapMs !== null) args.push('--pair-gap-ms', String(pairGapMs));
    const writer = spawn(process.execPath, ['--import', 'tsx', writerPath, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let writerOut = '';
    writer.stdout!.on('data', (chunk) => (writerOut += chunk));
    const writerCode = await new Promise<number | null>((done) => writer.on('exit', (code) => done(code)));
    if (writerCode !== 0 || !writerOut.includes('DONE')) throw new Error(`live-writer exited with ${writerCode}: ${writerOut}`);
    for (const match of writerOut.matchAll(/^WROTE (\d+) (\S+)$/gm)) writtenAt[Number(match[1])] = Number(match[2]);
    const deadline = monotonicMs() + 5_000;
    const isDone = () => indexedAt.length >= firstSeq + count && queryAt.slice(firstSeq, firstSeq + count).filter((t) => t !== undefined).length >= count;
    while (!isDone() && monotonicMs() < deadline) await sleep(10);
  };
  await runWriter(appends, 0, intervalMs, null);
  const pairs = Number(values.pairs);
  const pairGapMs = Number(values['pair-gap-ms']);
  if (pairs > 0) await runWriter(pairs * 2, appends, PAIR_INTERVAL_MS, pairGapMs);
  const total = appends + pairs * 2;

  isPolling = false;
  await polling;
  unsubscribe();
  rawWatcher.close();
  await chokidar.close();
  const [info] = await service.listSources();
  await service.close();

  const firstAfter = (events: number[], t: number) => events.find((e) => e >= t) ?? NaN;
  // A notification for write i comes after it and before write i + 1 (they are ≥ 20 ms apart).
  const isNotified = (events: number[], seq: number) => {
    const next = writtenAt[seq + 1] ?? Infinity;
    return events.some((e) => e >= writtenAt[seq] && e < next);
  };
  const perSpan = writtenAt.map((w, seq) => ({
    seq,
    kernelMs: firstAfter(kernelEvents, w) - w,
    chokidarMs: firstAfter(chokidarEvents, w) - w,
    hasChokidarEvent: isNotified(chokidarEvents, seq),
    indexedMs: (indexedAt[seq] ?? NaN) - w,
    eventMs: (eventAt[seq] ?? NaN) - w,
    queryMs: (queryAt[seq] ?? NaN) - w,
    gapMs: seq > 0 ? w - writtenAt[seq - 1] : NaN,
  }));
  return {
    mode: 'live-api',
    sizeBytes,
    ms: NaN,
    mbPerSec: NaN,
    appends,
    intervalMs,
    pairs,
    pairGapMs,
    pairIntervalMs: PAIR_INTERVAL_MS,
    baseSpans,
    spansAtEnd: info.spans,
    kernelEvents: kernelEvents.length,
    chokidarEvents: chokidarEvents.length,
    queries,
    missing: {
      indexed: total - indexedAt.length,
      event: total - eventAt.length,
      query: total - queryAt.filter((t) => t !== undefined).length,
    },
    perSpan,
  };
}

main().catch((error) => {
  process.stderr.write(`bench-child: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
