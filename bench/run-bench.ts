/**
 * `npm run bench`: Tracelight's performance figures (DESIGN.md §5, issue 4), measured in one run
 * on this machine as ratios against the simplest possible program doing the same work.
 *
 *   npm run bench [-- --size-mb N | --gb] [--keep] [--no-waterfall] [--no-live] [--only PARTS] [--build] [--cpu-prof]
 *
 *   --size-mb N     size of each generated file (compact and pretty), default 200
 *   --gb            1024 MB
 *   --keep          keep the generated files in bench/.data for the next run (else deleted)
 *   --no-waterfall  skip the Chromium parts (the 100k waterfall, the 100k sessions table, the
 *                   50k-subtree collapse and the live append in the page)
 *   --no-live       skip the live-append latency (API and page)
 *   --only PARTS    measure only these parts, a comma-separated list of
 *                     live       the live-append latency (API and page)
 *                     sessions   the sessions table of 100,000 sessions in Chromium
 *                     collapse   collapsing / expanding a 50,000-span subtree of the 100k waterfall
 *                   (e.g. --only sessions,collapse); their figures replace those of
 *                   bench-report.json (the other figures there stay, from their own run)
 *   --live-appends N, --live-interval-ms M   the API part's steady stream (default 200 every 50 ms)
 *   --live-page-appends N                    spans appended one at a time in the page (default 60)
 *   --build         rebuild the app (npx electron-vite build) before the Chromium parts; without
 *                   it the app is built only when out/ is missing (a stale out/ is reported)
 *   --cpu-prof      also run one extra, profiled compact ingest and print its top self-time
 *                   functions (the measured figures never come from a profiled run)
 *
 * Data is deterministic (bench/generate-otel.ts) and reused from bench/.data when a file was
 * made with the same parameters by the same generator. Every engine figure comes from a child
 * process of its own (bench/bench-child.ts) with a fresh cache folder, so its peak RSS is the
 * engine's. Prints one line per figure and writes bench-report.json in the repo root.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateOtelFile, generateOtelSessionsFile, generateOtelTraceFile, SUBTREE_SPAN_NAME, type GenerateOtelResult } from './generate-otel';
import { summarizeCpuProfiles } from './cpu-profile';
import { runWaterfallBench, type WaterfallBenchResult } from './waterfall-bench';
import { runLivePageBench, type LivePageBenchResult, type LivePageSpan } from './live-page-bench';
import { runSessionsBench, type SessionsBenchResult } from './sessions-bench';
import { runCollapseBench, type CollapseBenchResult, type ToggleTiming } from './collapse-bench';
import { latencyStats, liveSeedText, type LatencyStats } from './live-span';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(BENCH_DIR, '..');
const DATA_DIR = join(BENCH_DIR, '.data');
const CHILD = join(BENCH_DIR, 'bench-child.ts');
const SEED = 1;
const INGEST_RUNS = 2;
const WATERFALL_SPANS = 100_000;
const WATERFALL_SEED = 42;
/** The sessions table part: this many sessions of 1-3 spans. */
const SESSIONS_COUNT = 100_000;
const SESSIONS_SEED = 7;
/** The sessions pane's share of the main area while it is measured (the app's default is 0.35). */
const SESSIONS_FRACTION = 0.85;
/** The collapse part: the 100k trace with one child of the root holding this many descendants. */
const COLLAPSE_SUBTREE_SPANS = 50_000;
const COLLAPSE_REPEATS = 5;
const SCROLL_WHEEL_EVENTS = 300;
const SCROLL_WHEEL_DELTA_PX = 120;
const MB = 1024 * 1024;

const GOALS = {
  ingestRatio: 1.0,
  firstSessionsMs: 300,
  reopenMs: 200,
  peakRssMb: 400,
  waterfallFirstRenderMs: 500,
  waterfallScrollP95FrameMs: 16,
  liveAppendApiP50Ms: 30,
  liveAppendApiP99Ms: 100,
  liveAppendPageP50Ms: 100,
  sessionsScrollP95FrameMs: 16,
  sessionsScrollDroppedFrames: 0,
  collapseMs: 100,
  expandMs: 100,
};
/** Not a goal of issue 4: the sessions table's first rows are held to the waterfall's first render. */
const SESSIONS_FIRST_ROWS_REFERENCE_MS = 500;
/** The live API part's burst: pairs of appends this far apart (a parent ending just after its child). */
const LIVE_PAIRS = 20;
const LIVE_PAIR_GAP_MS = 20;
const LIVE_PAGE_WARMUPS = 3;
const LIVE_PAGE_PAUSE_MS = 100;

const USAGE =
  'usage: npm run bench [-- --size-mb N | --gb] [--keep] [--no-waterfall] [--no-live] [--only live,sessions,collapse] [--live-appends N] [--live-interval-ms M] [--live-page-appends N] [--build] [--cpu-prof]\n';
const ONLY_PARTS = ['live', 'sessions', 'collapse'] as const;
type OnlyPart = (typeof ONLY_PARTS)[number];
const { values: flags } = parseFlags();
function parseFlags() {
  try {
    return parseArgs({
      options: {
        'size-mb': { type: 'string', default: '200' },
        gb: { type: 'boolean', default: false },
        keep: { type: 'boolean', default: false },
        'no-waterfall': { type: 'boolean', default: false },
        'cpu-prof': { type: 'boolean', default: false },
        build: { type: 'boolean', default: false },
        'no-live': { type: 'boolean', default: false },
        only: { type: 'string' },
        'live-appends': { type: 'string', default: '200' },
        'live-interval-ms': { type: 'string', default: '50' },
        'live-page-appends': { type: 'string', default: '60' },
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
const sizeMb = flags.gb ? 1024 : Number(flags['size-mb']);
const liveAppends = Number(flags['live-appends']);
const liveIntervalMs = Number(flags['live-interval-ms']);
const livePageAppends = Number(flags['live-page-appends']);
const onlyParts = flags.only === undefined ? null : new Set(flags.only.split(',').map((part) => part.trim()).filter(Boolean));
const isOnlyValid = onlyParts === null || (onlyParts.size > 0 && [...onlyParts].every((part) => (ONLY_PARTS as readonly string[]).includes(part)));
if (
  !(sizeMb > 0) ||
  !isOnlyValid ||
  !(liveAppends > 0) ||
  !(liveIntervalMs > 0) ||
  !(livePageAppends >= 0) ||
  (onlyParts?.has('live') && flags['no-live']) ||
  (onlyParts !== null && (onlyParts.has('sessions') || onlyParts.has('collapse')) && flags['no-waterfall'])
) {
  process.stderr.write(USAGE);
  process.exit(2);
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const round = (n: number, digits = 1) => (Number.isFinite(n) ? Number(n.toFixed(digits)) : n);
const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : String(n));
const count = (n: number) => n.toLocaleString('en-US');
const verdict = (isMet: boolean) => (isMet ? 'met' : 'NOT MET');

// ---------------------------------------------------------------- data

/** Identifies the generator's code, so a changed generator makes fresh files. */
function generatorHash(): string {
  const hash = createHash('sha1');
  for (const file of ['bench/generate-otel.ts', 'scripts/lib/otel-console.ts', 'scripts/lib/py-json.ts', 'scripts/lib/prng.ts']) {
    hash.update(readFileSync(join(REPO, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

interface DataFile<R extends GenerateOtelResult = GenerateOtelResult> {
  path: string;
  result: R;
  isReused: boolean;
}

/** Returns the file for these parameters, generating it unless an identical one is there. */
function ensureData<R extends GenerateOtelResult>(name: string, params: Record<string, unknown>, make: (path: string) => R): DataFile<R> {
  mkdirSync(DATA_DIR, { recursive: true });
  const path = join(DATA_DIR, name);
  const metaPath = `${path}.meta.json`;
  const key = JSON.stringify({ ...params, generator: generatorHash() });
  if (existsSync(path) && existsSync(metaPath)) {
    try {
      const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { key: string; result: R };
      if (meta.key === key && statSync(path).size === meta.result.bytes) return { path, result: meta.result, isReused: true };
    } catch {
      // Unreadable metadata: make the file again.
    }
  }
  const start = performance.now();
  rmSync(metaPath, { force: true });
  const result = make(path);
  writeFileSync(metaPath, JSON.stringify({ key, result }, null, 2));
  log(`  generated ${relative(REPO, path)}: ${fmt(result.bytes / MB)} MB, ${count(result.spans)} spans in ${fmt((performance.now() - start) / 1000)} s`);
  return { path, result, isReused: false };
}

/** The most recently modified file under a folder. */
function newestMtime(dir: string): { path: string; mtimeMs: number } {
  let newest = { path: dir, mtimeMs: 0 };
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    const candidate = entry.isDirectory() ? newestMtime(full) : { path: full, mtimeMs: statSync(full).mtimeMs };
    if (candidate.mtimeMs > newest.mtimeMs) newest = candidate;
  }
  return newest;
}

// ---------------------------------------------------------------- app

interface BuiltApp {
  cliPath: string;
  builtAt: number;
  isBuildStale: boolean;
}

let builtApp: BuiltApp | null = null;

/** The built web shell: builds it when asked (--build) or missing, and says whether out/ is older than src/. */
function ensureApp(): BuiltApp {
  if (builtApp) return builtApp;
  const cliPath = join(REPO, 'out/main/cli.js');
  const builtPage = join(REPO, 'out/renderer/index.html');
  if (flags.build || !existsSync(cliPath) || !existsSync(builtPage)) {
    log('  building the app (npx electron-vite build)...');
    const built = spawnSync('npx', ['electron-vite', 'build'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
    if (built.status !== 0) throw new Error('npx electron-vite build failed');
  }
  const builtAt = Math.min(statSync(cliPath).mtimeMs, statSync(builtPage).mtimeMs);
  const newestSource = newestMtime(join(REPO, 'src'));
  const isBuildStale = newestSource.mtimeMs > builtAt;
  if (isBuildStale) log(`  note: out/ is older than ${relative(REPO, newestSource.path)}; measuring the old build (pass --build to rebuild first)`);
  builtApp = { cliPath, builtAt, isBuildStale };
  return builtApp;
}

// ---------------------------------------------------------------- children

interface ChildResult {
  [key: string]: unknown;
  ms: number;
  mbPerSec: number;
  peakRssMb: number;
}

/** Runs bench-child.ts in a fresh Node process and returns its BENCH_RESULT. */
function runChild(mode: string, args: string[], nodeFlags: string[] = []): Promise<ChildResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', CHILD, mode, ...args], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60 * 60 * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
      if (code !== 0 || !line) {
        reject(new Error(`bench-child ${mode} failed (${signal ?? code}):\n${stderr}${stdout}`));
        return;
      }
      const extra = stderr.split('\n').filter((l) => l.trim() && !/Unknown user config|npm warn/.test(l));
      for (const l of extra.slice(0, 20)) log(`    [${mode}] ${l}`);
      resolvePromise(JSON.parse(line.slice('BENCH_RESULT '.length)) as ChildResult);
    });
  });
}

// ---------------------------------------------------------------- live append

/** One appended span of the API part: ms after its write (writer's CLOCK_MONOTONIC). */
interface LiveApiSpan {
  seq: number;
  /** The kernel's inotify event (fs.watch on the file). */
  kernelMs: number;
  /** The first 'change' of a chokidar watcher set up like the engine's. */
  chokidarMs: number;
  /** That watcher emitted a change between this write and the next one. */
  hasChokidarEvent: boolean;
  /** listSources() counts it (polled every 1 ms). */
  indexedMs: number;
  /** Its spansAppended event was delivered to a subscriber. */
  eventMs: number;
  /** A getWaterfall issued after that event returned its row. */
  queryMs: number;
  gapMs: number;
}

interface LiveStages {
  kernel: LatencyStats;
  chokidar: LatencyStats;
  indexed: LatencyStats;
  event: LatencyStats;
  query: LatencyStats;
  /** Writes the chokidar watcher said nothing about (its 50 ms change throttle). */
  chokidarDropped: number;
}

interface LivePageStages {
  event: LatencyStats;
  request: LatencyStats;
  response: LatencyStats;
  row: LatencyStats;
  painted: LatencyStats;
}

interface LiveResult {
  apiChild: ChildResult | null;
  apiError: string | null;
  steady: LiveStages | null;
  /** The second span of each pair, written LIVE_PAIR_GAP_MS after the first. */
  burstSecond: LiveStages | null;
  burstFirst: LiveStages | null;
  page: LivePageBenchResult | null;
  pageStages: LivePageStages | null;
  pageError: string | null;
  app: BuiltApp | null;
}

function liveStages(spans: LiveApiSpan[]): LiveStages {
  const of = (key: keyof LiveApiSpan) => latencyStats(spans.map((s) => s[key] as number));
  return {
    kernel: of('kernelMs'),
    chokidar: of('chokidarMs'),
    indexed: of('indexedMs'),
    event: of('eventMs'),
    query: of('queryMs'),
    chokidarDropped: spans.filter((s) => !s.hasChokidarEvent).length,
  };
}

function livePageStages(spans: LivePageSpan[]): LivePageStages {
  const of = (key: keyof LivePageSpan) => latencyStats(spans.map((s) => s[key]));
  return { event: of('eventMs'), request: of('requestMs'), response: of('responseMs'), row: of('rowMs'), painted: of('paintedMs') };
}

/** Live append: the API (a bench child following a file another process appends to), then the page. */
async function measureLive(runDir: string): Promise<LiveResult> {
  const result: LiveResult = {
    apiChild: null,
    apiError: null,
    steady: null,
    burstSecond: null,
    burstFirst: null,
    page: null,
    pageStages: null,
    pageError: null,
    app: null,
  };
  log(`live append, API (${liveAppends} appends every ${liveIntervalMs} ms from another process, then ${LIVE_PAIRS} pairs ${LIVE_PAIR_GAP_MS} ms apart):`);
  try {
    // The file sits in a folder of its own: the engine watches the folder.
    const dir = join(runDir, 'live-api');
    mkdirSync(join(dir, 'file'), { recursive: true });
    const file = join(dir, 'file', 'live.jsonl');
    const startUs = Date.now() * 1000;
    writeFileSync(file, liveSeedText(startUs));
    const child = await runChild('live-api', [
      '--path', file,
      '--cache', join(dir, 'cache'),
      '--appends', String(liveAppends),
      '--interval-ms', String(liveIntervalMs),
      '--pairs', String(LIVE_PAIRS),
      '--pair-gap-ms', String(LIVE_PAIR_GAP_MS),
      '--start-us', String(startUs),
    ]);
    result.apiChild = child;
    const spans = (child.perSpan as Record<string, number | boolean | null>[]).map(
      (s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v === null ? NaN : v])) as unknown as LiveApiSpan,
    );
    result.steady = liveStages(spans.filter((s) => s.seq < liveAppends));
    result.burstFirst = liveStages(spans.filter((s) => s.seq >= liveAppends && (s.seq - liveAppends) % 2 === 0));
    result.burstSecond = liveStages(spans.filter((s) => s.seq >= liveAppends && (s.seq - liveAppends) % 2 === 1));
    const missing = child.missing as { indexed: number; event: number; query: number };
    if (missing.indexed || missing.event || missing.query) {
      log(`  not seen within 5 s: ${missing.indexed} by query, ${missing.event} by event, ${missing.query} by getWaterfall`);
    }
    log(`  visible via getWaterfall after the event p50 ${fmt(result.steady.query.p50Ms)} ms, p99 ${fmt(result.steady.query.p99Ms)} ms; queryable p50 ${fmt(result.steady.indexed.p50Ms)} ms`);
  } catch (error) {
    result.apiError = (error as Error).message;
    log(`  live API failed: ${result.apiError}`);
  }
  if (!flags['no-waterfall'] && livePageAppends > 0) {
    log(`live append, page (${livePageAppends} spans appended one at a time, headless Chromium):`);
    try {
      result.app = ensureApp();
      const page = await runLivePageBench({
        cliPath: result.app.cliPath,
        dir: join(runDir, 'live-page'),
        appends: livePageAppends,
        warmups: LIVE_PAGE_WARMUPS,
        pauseMs: LIVE_PAGE_PAUSE_MS,
        log,
      });
      result.page = page;
      result.pageStages = livePageStages(page.spans);
      log(`  row in the waterfall p50 ${fmt(result.pageStages.row.p50Ms)} ms, p95 ${fmt(result.pageStages.row.p95Ms)} ms (${page.timeouts} not seen within 5 s)`);
    } catch (error) {
      result.pageError = (error as Error).message;
      log(`  live page failed: ${result.pageError}`);
    }
  }
  return result;
}

/** The printed lines of the live part. */
function liveLines(live: LiveResult): string[] {
  const lines: string[] = [];
  const s = live.steady;
  const b = live.burstSecond;
  if (s && live.apiChild) {
    lines.push(
      `live append API p50: ${fmt(s.query.p50Ms)} ms (write in another process → spansAppended delivered → getWaterfall returns the row; ` +
        `${liveAppends} appends every ${liveIntervalMs} ms; event alone ${fmt(s.event.p50Ms)}, queryable by polling ${fmt(s.indexed.p50Ms)}; ` +
        `goal ≤ ${GOALS.liveAppendApiP50Ms} ms: ${verdict(s.query.p50Ms <= GOALS.liveAppendApiP50Ms)})`,
    );
    lines.push(
      `live append API p99: ${fmt(s.query.p99Ms)} ms (p95 ${fmt(s.query.p95Ms)}, max ${fmt(s.query.maxMs)}; event alone p99 ${fmt(s.event.p99Ms)}, ` +
        `queryable by polling p99 ${fmt(s.indexed.p99Ms)}; goal ≤ ${GOALS.liveAppendApiP99Ms} ms: ${verdict(s.query.p99Ms <= GOALS.liveAppendApiP99Ms)})`,
    );
    lines.push(
      `live append API path, p50 / p99 ms after the write: inotify ${fmt(s.kernel.p50Ms)} / ${fmt(s.kernel.p99Ms)}, ` +
        `chokidar 'change' ${fmt(s.chokidar.p50Ms)} / ${fmt(s.chokidar.p99Ms)} (${s.chokidarDropped} of ${s.query.n} writes got none: its 50 ms change throttle), ` +
        `queryable ${fmt(s.indexed.p50Ms)} / ${fmt(s.indexed.p99Ms)}, spansAppended ${fmt(s.event.p50Ms)} / ${fmt(s.event.p99Ms)} (the engine's 50 ms event coalescing), ` +
        `getWaterfall has it ${fmt(s.query.p50Ms)} / ${fmt(s.query.p99Ms)}`,
    );
  }
  if (b && live.burstFirst) {
    lines.push(
      `live append API burst: 2nd span of a pair written ${LIVE_PAIR_GAP_MS} ms after the 1st: p50 ${fmt(b.query.p50Ms)} ms, max ${fmt(b.query.maxMs)} ms ` +
        `(queryable p50 ${fmt(b.indexed.p50Ms)}, max ${fmt(b.indexed.maxMs)}; ${b.chokidarDropped} of ${b.query.n} got no chokidar event; 1st span p50 ${fmt(live.burstFirst.query.p50Ms)} ms; no goal)`,
    );
  }
  if (live.apiError) lines.push(`live append API: not measured (${live.apiError})`);
  const p = live.pageStages;
  if (p && live.page) {
    lines.push(
      `live append page p50: ${fmt(p.row.p50Ms)} ms (append → row in the waterfall's DOM, ${live.page.spans.length} spans one at a time: ` +
        `p95 ${fmt(p.row.p95Ms)}, max ${fmt(p.row.maxMs)}; painted p50 ${fmt(p.painted.p50Ms)} / p95 ${fmt(p.painted.p95Ms)}; ` +
        `goal ≤ ${GOALS.liveAppendPageP50Ms} ms: ${verdict(p.row.p50Ms <= GOALS.liveAppendPageP50Ms)})`,
    );
    lines.push(
      `live append page path, p50 ms after the write: spansAppended reaches the page ${fmt(p.event.p50Ms)}, getWaterfall sent ${fmt(p.request.p50Ms)}, ` +
        `answered ${fmt(p.response.p50Ms)}, row in DOM ${fmt(p.row.p50Ms)}, frame painted ${fmt(p.painted.p50Ms)} ` +
        `(page clock offset ${fmt(live.page.clockOffsetMs, 2)} ms ± ${fmt(live.page.clockRttMs / 2, 2)}, drift ${fmt(live.page.clockOffsetDriftMs, 2)})`,
    );
    if (live.app?.isBuildStale) lines.push('live append page note: out/ was older than src/ — these figures are for the previous build');
  } else if (live.pageError) {
    lines.push(`live append page: not measured (${live.pageError})`);
  }
  return lines;
}

/** Every number of an object (of stats) to two decimals, for the report. */
function roundDeep<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? round(v, 2) : v))) as T;
}

/** The report's live figures. */
function liveReport(live: LiveResult): Record<string, unknown> {
  const s = live.steady;
  const b = live.burstSecond;
  const p = live.pageStages;
  const r2 = (n: number | undefined) => (n === undefined ? null : round(n, 1));
  return {
    liveAppendApiP50Ms: r2(s?.query.p50Ms),
    liveAppendApiP95Ms: r2(s?.query.p95Ms),
    liveAppendApiP99Ms: r2(s?.query.p99Ms),
    liveAppendApiMaxMs: r2(s?.query.maxMs),
    liveAppendApiEventP50Ms: r2(s?.event.p50Ms),
    liveAppendApiEventP99Ms: r2(s?.event.p99Ms),
    liveAppendApiQueryableP50Ms: r2(s?.indexed.p50Ms),
    liveAppendApiQueryableP99Ms: r2(s?.indexed.p99Ms),
    liveAppendApiChokidarDropped: s ? s.chokidarDropped : null,
    liveAppendApiBurstP50Ms: r2(b?.query.p50Ms),
    liveAppendApiBurstMaxMs: r2(b?.query.maxMs),
    liveAppendPageP50Ms: r2(p?.row.p50Ms),
    liveAppendPageP95Ms: r2(p?.row.p95Ms),
    liveAppendPageP99Ms: r2(p?.row.p99Ms),
    liveAppendPageMaxMs: r2(p?.row.maxMs),
    liveAppendPagePaintedP50Ms: r2(p?.painted.p50Ms),
    liveAppendPagePaintedP95Ms: r2(p?.painted.p95Ms),
    live: roundDeep({
      api: s
        ? {
            appends: liveAppends,
            intervalMs: liveIntervalMs,
            steady: s,
            burst: { pairs: LIVE_PAIRS, gapMs: LIVE_PAIR_GAP_MS, first: live.burstFirst, second: b },
            kernelEvents: live.apiChild?.kernelEvents,
            chokidarEvents: live.apiChild?.chokidarEvents,
            queries: live.apiChild?.queries,
            missing: live.apiChild?.missing,
            peakRssMb: live.apiChild ? round(live.apiChild.peakRssMb) : null,
          }
        : null,
      apiError: live.apiError,
      page: live.page
        ? {
            appends: live.page.appends,
            warmups: LIVE_PAGE_WARMUPS,
            pauseMs: LIVE_PAGE_PAUSE_MS,
            stages: p,
            timeouts: live.page.timeouts,
            clockOffsetMs: round(live.page.clockOffsetMs, 3),
            clockRttMs: round(live.page.clockRttMs, 3),
            clockOffsetDriftMs: round(live.page.clockOffsetDriftMs, 3),
          }
        : null,
      pageError: live.pageError,
      app: live.app ? { builtAt: new Date(live.app.builtAt).toISOString(), isBuildStale: live.app.isBuildStale } : null,
      measuredAt: new Date().toISOString(),
    }),
  };
}

// ---------------------------------------------------------------- sessions table and collapse

const median = (values: number[]) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** rAF fires on vsync: a p95 equal to the idle interval (16.7 ms at 60 Hz) means no frame was missed. */
function frameVerdict(p95: number, idleFrameMs: number, goalMs: number): string {
  if (p95 <= goalMs) return 'met';
  return p95 <= idleFrameMs * 1.05 ? `met at vsync (p95 = the ${fmt(idleFrameMs)} ms idle frame)` : 'NOT MET';
}

interface SessionsPart {
  data: DataFile<ReturnType<typeof generateOtelSessionsFile>> | null;
  ingest: ChildResult | null;
  query: ChildResult | null;
  bench: SessionsBenchResult | null;
  error: string | null;
  app: BuiltApp | null;
  checks: string[];
}

/** The sessions table of 100,000 sessions: data, an ingest child, the engine's windows, then Chromium. */
async function measureSessions(runDir: string, generated: string[]): Promise<SessionsPart> {
  const part: SessionsPart = { data: null, ingest: null, query: null, bench: null, error: null, app: null, checks: [] };
  log(`sessions table (${count(SESSIONS_COUNT)} sessions in headless Chromium):`);
  try {
    const data = ensureData(`otel-sessions-${SESSIONS_COUNT}-seed${SESSIONS_SEED}.jsonl`, { sessions: SESSIONS_COUNT, seed: SESSIONS_SEED }, (path) =>
      generateOtelSessionsFile({ path, sessions: SESSIONS_COUNT, seed: SESSIONS_SEED }),
    );
    part.data = data;
    generated.push(data.path);
    part.app = ensureApp();
    // Index it once in a child (which then releases the index), so the server resumes it.
    const sessionsCache = join(runDir, 'sessions');
    part.ingest = await runChild('ingest', ['--path', data.path, '--cache', sessionsCache]);
    log(`  indexed in ${fmt(part.ingest.idleMs as number, 0)} ms (${fmt(part.ingest.mbPerSec)} MB/s)`);
    const info = part.ingest.info as { sessions: number; spans: number };
    if (info.sessions !== SESSIONS_COUNT) part.checks.push(`sessions: the engine indexed ${info.sessions} sessions, generated ${SESSIONS_COUNT}`);
    if (part.ingest.firstSessionId !== data.result.newestSessionId) {
      part.checks.push(`sessions: the engine's newest session is ${String(part.ingest.firstSessionId)}, generated ${data.result.newestSessionId}`);
    }
    part.query = await runChild('sessions-query', ['--path', data.path, '--cache', sessionsCache]);
    const q = part.query as unknown as SessionsQueryWindows & { filtered: SessionsQueryWindows };
    for (const [label, w] of [['unfiltered', q], ['filtered to the source', q.filtered]] as const) {
      log(
        `  engine, ${label}: top window ${fmt(w.coldMs)} ms cold, ${fmt(w.warmMs)} ms warm; middle ${fmt(w.middleMs)} ms (${w.middleRows} rows); ` +
          `end ${fmt(w.endMs)} ms (${w.endRows} rows)${w.firstShortOffset === null ? '' : `; windows short from row ${count(w.firstShortOffset)} on`}`,
      );
      if (w.firstShortOffset !== null) {
        part.checks.push(
          `sessions: ${label}, listSessions({offset, limit: 100}) returns fewer rows than there are from offset ${count(w.firstShortOffset)} on ` +
            `(${w.middleRows} rows at the middle, ${w.endRows} at the end, of ${count(w.total)}): the table shows placeholders past that row`,
        );
      }
    }
    part.bench = await runSessionsBench({
      cliPath: part.app.cliPath,
      file: data.path,
      cacheDir: sessionsCache,
      sessionsFraction: SESSIONS_FRACTION,
      wheelEvents: SCROLL_WHEEL_EVENTS,
      wheelDeltaPx: SCROLL_WHEEL_DELTA_PX,
      log,
    });
    const b = part.bench;
    if (b.totalRows !== SESSIONS_COUNT) part.checks.push(`sessions: the grid has ${b.totalRows} rows, expected ${SESSIONS_COUNT}`);
    if (!b.firstRowText?.includes(data.result.newestSessionId)) {
      part.checks.push(`sessions: the first row shown is "${b.firstRowText}", expected the newest session ${data.result.newestSessionId}`);
    }
    for (const [label, rows] of [['unfiltered', b.middleRows], ['filtered', b.filtered?.middleRows]] as const) {
      if (rows && !(rows.first > SESSIONS_COUNT * 0.4 && rows.last < SESSIONS_COUNT * 0.6)) {
        part.checks.push(`sessions: ${label}, after the jump to the middle ${rows.first < 0 ? 'no session row is in view' : `rows ${rows.first}..${rows.last} are in view`}`);
      }
    }
    log(`  first rows ${fmt(b.firstRowsMs, 0)} ms, wheel p95 ${fmt(b.wheel.p95Ms)} ms (${b.wheel.droppedFrames} dropped)`);
  } catch (error) {
    part.error = (error as Error).message;
    log(`  sessions table failed: ${part.error}`);
  }
  return part;
}

interface SessionsQueryWindows {
  total: number;
  coldMs: number;
  warmMs: number;
  middleMs: number;
  middleRows: number;
  endMs: number;
  endRows: number;
  firstShortOffset: number | null;
}

function sessionsLines(part: SessionsPart): string[] {
  const b = part.bench;
  if (!b) return [`sessions 100k: not measured (${part.error})`];
  const q = part.query as unknown as SessionsQueryWindows & { filtered: SessionsQueryWindows };
  const lines: string[] = [];
  const rpc = b.coldRpc
    .map((c) => `${c.method} ${c.sentMs}→${c.answeredMs ?? '?'}${c.responseBytes && c.responseBytes > 10_000 ? ` (${fmt(c.responseBytes / 1024, 0)} KB)` : ''}`)
    .join(', ');
  lines.push(
    `sessions 100k first rows: ${fmt(b.firstRowsMs, 0)} ms (navigation start → first session row painted, fresh browser and engine: ` +
      `DOMContentLoaded at ${fmt(b.domContentLoadedMs ?? NaN, 0)} ms, RPC ${rpc} ms; engine's top window ${fmt(q.coldMs)} ms cold / ${fmt(q.warmMs)} ms warm; ` +
      `reload ${fmt(b.warmFirstRowsMs, 0)} ms; no goal of its own, the 100k waterfall's first render goal is ≤ ${SESSIONS_FIRST_ROWS_REFERENCE_MS} ms: ` +
      `${b.firstRowsMs <= SESSIONS_FIRST_ROWS_REFERENCE_MS ? 'within it' : 'over it'})`,
  );
  const short = (w: SessionsQueryWindows) =>
    w.firstShortOffset === null ? 'every window full' : `windows come back short from row ${count(w.firstShortOffset)} on: rows past it stay placeholders`;
  const scroll = (label: string, f: SessionsBenchResult['wheel'], how: string, idleFrameMs: number) =>
    `sessions 100k ${label} p95 frame: ${fmt(f.p95Ms)} ms (${how}, ${b.rowsInView} rows in view: p50 ${fmt(f.p50Ms)}, max ${fmt(f.maxMs)}; ` +
    `${f.droppedFrames} of ${f.frames} frames dropped; work p50 ${fmt(f.workP50Ms)} / p95 ${fmt(f.workP95Ms)} / max ${fmt(f.workMaxMs)} ms; ` +
    `${f.placeholderFrames} frames with placeholder rows; goal ≤ ${GOALS.sessionsScrollP95FrameMs} ms: ${frameVerdict(f.p95Ms, idleFrameMs, GOALS.sessionsScrollP95FrameMs)})`;
  const wheelHow = `mouse wheel ${SCROLL_WHEEL_EVENTS} × ${SCROLL_WHEEL_DELTA_PX} px from the top`;
  const stepHow = `${SCROLL_WHEEL_DELTA_PX} px every frame, on from there`;
  const dropped = (label: string, f: SessionsBenchResult['wheel'], idleFrameMs: number) =>
    `sessions 100k ${label} dropped frames: ${f.droppedFrames} of ${f.frames} (deltas over 1.5× the ${fmt(idleFrameMs)} ms idle frame; ` +
    `goal ${GOALS.sessionsScrollDroppedFrames}: ${verdict(f.droppedFrames <= GOALS.sessionsScrollDroppedFrames)})`;
  const work = (label: string, f: SessionsBenchResult['wheel'], idleFrameMs: number) =>
    `sessions 100k ${label} work p95: ${fmt(f.workP95Ms)} ms (main thread per frame: frame start → rendered; max ${fmt(f.workMaxMs)}; ` +
    `fits in the ${fmt(idleFrameMs)} ms frame: ${f.workP95Ms <= idleFrameMs ? 'yes' : 'no'}; no goal of its own)`;
  const jump = (label: string, ms: number, rows: { first: number; last: number }, engineMs: number, w: SessionsQueryWindows) =>
    `sessions 100k ${label}: ${Number.isFinite(ms) ? `${fmt(ms, 0)} ms` : 'never (no real rows within 30 s)'} ` +
    `(scrollTop to the middle → only real rows in view${rows.first >= 0 ? `, rows ${count(rows.first)}–${count(rows.last)}` : ''}; ` +
    `engine window there ${fmt(engineMs)} ms with ${w.middleRows} rows; ${short(w)}; no goal)`;

  // Unfiltered (the table as it opens: sessions of every source).
  lines.push(scroll('scroll', b.wheel, wheelHow, b.idleFrameMs));
  lines.push(dropped('scroll', b.wheel, b.idleFrameMs));
  lines.push(work('scroll', b.wheel, b.idleFrameMs));
  lines.push(scroll('scrollTop', b.scrollTop, stepHow, b.idleFrameMs));
  lines.push(dropped('scrollTop', b.scrollTop, b.idleFrameMs));
  lines.push(work('scrollTop', b.scrollTop, b.idleFrameMs));
  lines.push(jump('jump to middle', b.jumpToMiddleMs, b.middleRows, q.middleMs, q));
  // Filtered to the source (clicking it in the sidebar): the engine's per-source query path.
  const f = b.filtered;
  if (f) {
    lines.push(scroll('filtered scroll', f.wheel, `source filter on, ${wheelHow}`, f.idleFrameMs));
    lines.push(dropped('filtered scroll', f.wheel, f.idleFrameMs));
    lines.push(scroll('filtered scrollTop', f.scrollTop, `source filter on, ${stepHow}`, f.idleFrameMs));
    lines.push(dropped('filtered scrollTop', f.scrollTop, f.idleFrameMs));
    lines.push(jump('filtered jump to middle', f.jumpToMiddleMs, f.middleRows, q.filtered.middleMs, q.filtered));
  } else {
    lines.push(`sessions 100k filtered: not measured (${b.filteredError})`);
  }
  lines.push(
    `sessions 100k JS heap: ${fmt(b.jsHeapMb)} MB (after GC, after scrolling; sessions pane at ${SESSIONS_FRACTION * 100}% of the main area, ${fmt(b.gridHeightPx, 0)} px; ` +
      `data ${fmt(part.data!.result.bytes / MB)} MB, ${count(part.data!.result.spans)} spans, indexed in ${fmt(part.ingest!.idleMs as number, 0)} ms)`,
  );
  if (part.app?.isBuildStale) lines.push('sessions 100k note: out/ was older than src/ — these figures are for the previous build');
  return lines;
}

function sessionsReport(part: SessionsPart): Record<string, unknown> {
  const b = part.bench;
  const f = b?.filtered ?? null;
  const q = part.query as unknown as (SessionsQueryWindows & { filtered: SessionsQueryWindows }) | null;
  const r = (n: number | undefined, digits = 1) => (n === undefined ? null : round(n, digits));
  return {
    sessions100kFirstRowsMs: r(b?.firstRowsMs),
    sessions100kWarmFirstRowsMs: r(b?.warmFirstRowsMs),
    sessions100kScrollP95FrameMs: r(b?.wheel.p95Ms, 2),
    sessions100kScrollP50FrameMs: r(b?.wheel.p50Ms, 2),
    sessions100kScrollMaxFrameMs: r(b?.wheel.maxMs, 2),
    sessions100kScrollDroppedFrames: b ? b.wheel.droppedFrames : null,
    sessions100kScrollP95FrameWorkMs: r(b?.wheel.workP95Ms, 2),
    sessions100kScrollPlaceholderFrames: b ? b.wheel.placeholderFrames : null,
    sessions100kScrollTopP95FrameMs: r(b?.scrollTop.p95Ms, 2),
    sessions100kScrollTopDroppedFrames: b ? b.scrollTop.droppedFrames : null,
    sessions100kScrollTopP95FrameWorkMs: r(b?.scrollTop.workP95Ms, 2),
    sessions100kScrollTopPlaceholderFrames: b ? b.scrollTop.placeholderFrames : null,
    sessions100kJumpToMiddleMs: b ? (Number.isFinite(b.jumpToMiddleMs) ? round(b.jumpToMiddleMs) : null) : null,
    sessions100kFilteredScrollP95FrameMs: r(f?.wheel.p95Ms, 2),
    sessions100kFilteredScrollDroppedFrames: f ? f.wheel.droppedFrames : null,
    sessions100kFilteredScrollP95FrameWorkMs: r(f?.wheel.workP95Ms, 2),
    sessions100kFilteredScrollPlaceholderFrames: f ? f.wheel.placeholderFrames : null,
    sessions100kFilteredScrollTopP95FrameMs: r(f?.scrollTop.p95Ms, 2),
    sessions100kFilteredScrollTopDroppedFrames: f ? f.scrollTop.droppedFrames : null,
    sessions100kFilteredScrollTopP95FrameWorkMs: r(f?.scrollTop.workP95Ms, 2),
    sessions100kFilteredScrollTopPlaceholderFrames: f ? f.scrollTop.placeholderFrames : null,
    sessions100kFilteredJumpToMiddleMs: f ? (Number.isFinite(f.jumpToMiddleMs) ? round(f.jumpToMiddleMs) : null) : null,
    sessions100kIdleFrameMs: r(b?.idleFrameMs, 2),
    sessions100kRowsInView: b ? b.rowsInView : null,
    sessions100kJsHeapMb: r(b?.jsHeapMb),
    sessions100kEngineTopWindowColdMs: q ? round(q.coldMs, 2) : null,
    sessions100kEngineTopWindowWarmMs: q ? round(q.warmMs, 2) : null,
    sessions100kEngineMiddleWindowMs: q ? round(q.middleMs, 2) : null,
    sessions100kEngineFilteredMiddleWindowMs: q ? round(q.filtered.middleMs, 2) : null,
    sessions100kEngineFirstShortWindowOffset: q ? q.firstShortOffset : null,
    sessions100kEngineFilteredFirstShortWindowOffset: q ? q.filtered.firstShortOffset : null,
    sessions100kIngestMs: part.ingest ? round(part.ingest.idleMs as number) : null,
  };
}

interface CollapsePart {
  data: DataFile<ReturnType<typeof generateOtelTraceFile>> | null;
  ingest: ChildResult | null;
  query: ChildResult | null;
  bench: CollapseBenchResult | null;
  error: string | null;
  app: BuiltApp | null;
  checks: string[];
}

/** Collapse / expand of the 50k subtree: data, an ingest child, the engine alone, then Chromium. */
async function measureCollapse(runDir: string, generated: string[]): Promise<CollapsePart> {
  const part: CollapsePart = { data: null, ingest: null, query: null, bench: null, error: null, app: null, checks: [] };
  log(`collapse (a ${count(COLLAPSE_SUBTREE_SPANS)}-span subtree of a ${count(WATERFALL_SPANS)}-span waterfall in headless Chromium, ${COLLAPSE_REPEATS} times each way):`);
  try {
    const name = `otel-trace-${WATERFALL_SPANS}-seed${WATERFALL_SEED}-subtree${COLLAPSE_SUBTREE_SPANS}.jsonl`;
    const params = { form: 'compact', spans: WATERFALL_SPANS, seed: WATERFALL_SEED, subtreeSpans: COLLAPSE_SUBTREE_SPANS };
    const data = ensureData(name, params, (path) =>
      generateOtelTraceFile({ path, form: 'compact', spans: WATERFALL_SPANS, seed: WATERFALL_SEED, subtreeSpans: COLLAPSE_SUBTREE_SPANS }),
    );
    part.data = data;
    generated.push(data.path);
    const subtree = data.result.subtree!;
    part.app = ensureApp();
    const collapseCache = join(runDir, 'collapse');
    part.ingest = await runChild('ingest', ['--path', data.path, '--cache', collapseCache]);
    log(`  indexed in ${fmt(part.ingest.idleMs as number, 0)} ms (${fmt(part.ingest.mbPerSec)} MB/s)`);
    const sessionId = String(part.ingest.firstSessionId);
    if (sessionId !== data.result.sessionId) part.checks.push(`collapse: engine's session is ${sessionId}, generated ${data.result.sessionId}`);
    part.query = await runChild('collapse-query', [
      '--path', data.path,
      '--cache', collapseCache,
      '--session', sessionId,
      '--span-name', SUBTREE_SPAN_NAME,
      '--repeats', String(COLLAPSE_REPEATS),
    ]);
    const q = part.query;
    if ((q.totalRows as number) - (q.collapsedRows as number) !== subtree.descendants) {
      part.checks.push(`collapse: collapsing ${SUBTREE_SPAN_NAME} hides ${(q.totalRows as number) - (q.collapsedRows as number)} rows in the engine, it has ${subtree.descendants} descendants`);
    }
    log(`  engine alone: getWaterfall collapsed ${fmt(median(q.collapseMs as number[]))} ms, expanded ${fmt(median(q.expandMs as number[]))} ms (median), same keys again ${fmt(q.sameKeysMs as number, 2)} ms`);
    part.bench = await runCollapseBench({
      cliPath: part.app.cliPath,
      file: data.path,
      sourceId: 's1',
      sessionId,
      cacheDir: collapseCache,
      spanName: SUBTREE_SPAN_NAME,
      descendants: subtree.descendants,
      repeats: COLLAPSE_REPEATS,
      log,
    });
    const b = part.bench;
    if (b.totalRows !== WATERFALL_SPANS) part.checks.push(`collapse: the grid has ${b.totalRows} rows, expected ${WATERFALL_SPANS}`);
    log(`  collapse ${fmt(median(b.collapse.map((t) => t.domMs)))} ms, expand ${fmt(median(b.expand.map((t) => t.domMs)))} ms (median, click → DOM)`);
  } catch (error) {
    part.error = (error as Error).message;
    log(`  collapse failed: ${part.error}`);
  }
  return part;
}

function collapseLines(part: CollapsePart): string[] {
  const b = part.bench;
  if (!b) return [`collapse 50k: not measured (${part.error})`];
  const q = part.query!;
  const line = (action: 'collapse' | 'expand', runs: ToggleTiming[], engineMs: number[], goal: number) => {
    const m = (key: keyof ToggleTiming) => median(runs.map((t) => t[key] as number));
    const dom = m('domMs');
    const list = runs.map((t) => fmt(t.domMs, 0)).join(', ');
    return (
      `${action} 50k: ${fmt(dom, 0)} ms (median of ${runs.length}: ${list}; click on "${action === 'collapse' ? 'Collapse' : 'Expand'} ${SUBTREE_SPAN_NAME}" → ` +
      `the DOM shows it ${action === 'collapse' ? 'collapsed' : 'expanded'} with the rows below re-rendered, ${b.totalRows - (action === 'collapse' ? 0 : b.collapsedRows)} → ` +
      `${action === 'collapse' ? b.collapsedRows : b.totalRows} rows; painted ${fmt(m('paintedMs'), 0)} ms. Where: click → getWaterfall sent ${fmt(m('requestMs'))}, ` +
      `its round trip ${fmt(m('rpcMs'))} (the engine alone ${fmt(median(engineMs))}), answer → DOM ${fmt(m('renderMs'))} ms; ` +
      `goal < ${goal} ms: ${verdict(dom < goal)})`
    );
  };
  const lines = [
    line('collapse', b.collapse, q.collapseMs as number[], GOALS.collapseMs),
    line('expand', b.expand, q.expandMs as number[], GOALS.expandMs),
  ];
  if (part.app?.isBuildStale) lines.push('collapse 50k note: out/ was older than src/ — these figures are for the previous build');
  return lines;
}

function collapseReport(part: CollapsePart): Record<string, unknown> {
  const b = part.bench;
  const q = part.query;
  const med = (runs: ToggleTiming[] | undefined, key: keyof ToggleTiming, digits = 1) => (runs ? round(median(runs.map((t) => t[key] as number)), digits) : null);
  return {
    collapse50kMs: med(b?.collapse, 'domMs'),
    expand50kMs: med(b?.expand, 'domMs'),
    collapse50kPaintedMs: med(b?.collapse, 'paintedMs'),
    expand50kPaintedMs: med(b?.expand, 'paintedMs'),
    collapse50kMaxMs: b ? round(Math.max(...b.collapse.map((t) => t.domMs))) : null,
    expand50kMaxMs: b ? round(Math.max(...b.expand.map((t) => t.domMs))) : null,
    collapse50kRequestMs: med(b?.collapse, 'requestMs', 2),
    expand50kRequestMs: med(b?.expand, 'requestMs', 2),
    collapse50kGetWaterfallRoundTripMs: med(b?.collapse, 'rpcMs', 2),
    expand50kGetWaterfallRoundTripMs: med(b?.expand, 'rpcMs', 2),
    collapse50kRenderMs: med(b?.collapse, 'renderMs', 2),
    expand50kRenderMs: med(b?.expand, 'renderMs', 2),
    collapse50kEngineGetWaterfallMs: q ? round(median(q.collapseMs as number[]), 2) : null,
    expand50kEngineGetWaterfallMs: q ? round(median(q.expandMs as number[]), 2) : null,
    collapse50kRuns: b ? roundDeep(b.collapse) : null,
    expand50kRuns: b ? roundDeep(b.expand) : null,
  };
}

function describeMachine() {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    nodeVersion: process.version,
    platform: `${process.platform} ${process.arch}`,
    totalMemMb: Math.round(totalmem() / MB),
    loadAverageAtStart: round(loadavg()[0], 2),
  };
}

/** Printed lines that belong to each part (replaced when the part is measured alone). */
const PART_LINE_PREFIXES: Record<OnlyPart, string[]> = {
  live: ['live append'],
  sessions: ['sessions 100k'],
  collapse: ['collapse 50k', 'expand 50k'],
};

/**
 * `--only PARTS`: those parts' figures alone. They replace the keys and lines of those parts in
 * an existing bench-report.json (the rest stays, from its own run), or make a report of their own.
 */
async function mainOnly(parts: Set<string>): Promise<void> {
  const started = performance.now();
  const runDir = join(DATA_DIR, `run-${process.pid}`);
  mkdirSync(runDir, { recursive: true });
  const generated: string[] = [];
  try {
    const machine = describeMachine();
    const names = ONLY_PARTS.filter((part) => parts.has(part));
    log(`Tracelight bench, only ${names.join(', ')}, on ${machine.cpus} cpus (${machine.cpuModel}), node ${machine.nodeVersion}`);
    if (machine.loadAverageAtStart > 0.5) log(`  note: load average ${machine.loadAverageAtStart} — other processes are busy, figures will be noisy`);
    const lines: string[] = [];
    const figures: Record<string, unknown> = {};
    const raw: Record<string, unknown> = {};
    const data: Record<string, unknown> = {};
    const checks: string[] = [];
    if (parts.has('sessions')) {
      const part = await measureSessions(runDir, generated);
      lines.push(...sessionsLines(part));
      Object.assign(figures, sessionsReport(part));
      raw.sessionsIngest = part.ingest;
      raw.sessionsQuery = part.query;
      raw.sessions = part.bench;
      raw.sessionsError = part.error;
      data.sessions = part.data ? { ...part.data.result, isReused: part.data.isReused } : null;
      checks.push(...part.checks);
    }
    if (parts.has('collapse')) {
      const part = await measureCollapse(runDir, generated);
      lines.push(...collapseLines(part));
      Object.assign(figures, collapseReport(part));
      raw.collapseIngest = part.ingest;
      raw.collapseQuery = part.query;
      raw.collapse = part.bench;
      raw.collapseError = part.error;
      data.collapse = part.data ? { ...part.data.result, isReused: part.data.isReused } : null;
      checks.push(...part.checks);
    }
    if (parts.has('live')) {
      const live = await measureLive(runDir);
      lines.push(...liveLines(live));
      Object.assign(figures, liveReport(live));
      raw.live = { api: live.apiChild, page: live.page };
    }
    lines.push(...checks.map((check) => `CHECK FAILED: ${check}`));
    for (const line of lines) process.stdout.write(`${line}\n`);

    const reportPath = join(REPO, 'bench-report.json');
    let report: Record<string, unknown> = {};
    try {
      report = JSON.parse(readFileSync(reportPath, 'utf8')) as Record<string, unknown>;
    } catch {
      report = {};
    }
    // This run's parts replace their own lines and checks (a part's checks start with its name).
    const prefixes = [...names.flatMap((part) => PART_LINE_PREFIXES[part]), ...names.map((part) => `CHECK FAILED: ${part}:`)];
    const isOwnCheck = (check: string) => names.some((part) => check.startsWith(`${part}:`));
    const isOwnLine = (line: string) => prefixes.some((prefix) => line.startsWith(prefix));
    const oldLines = Array.isArray(report.lines) ? (report.lines as string[]).filter((line) => !isOwnLine(line)) : [];
    const oldChecks = Array.isArray(report.checks) ? (report.checks as string[]).filter((check) => !isOwnCheck(check)) : [];
    const machineKey = names.length === 1 && names[0] === 'live' ? 'machineAtLive' : `machineAt${names.map((n) => n[0].toUpperCase() + n.slice(1)).join('')}`;
    Object.assign(report, figures, {
      goals: { ...((report.goals as object) ?? {}), ...GOALS },
      [machineKey]: { ...machine, loadAverageAtEnd: round(loadavg()[0], 2) },
      lines: [...oldLines, ...lines],
      raw: { ...((report.raw as object) ?? {}), ...raw },
      data: { ...((report.data as object) ?? {}), ...data },
      checks: [...oldChecks, ...checks],
    });
    writeFileSync(reportPath, JSON.stringify(report, null, 2) + '\n');
    log(`updated the ${names.join(', ')} figures of bench-report.json (${fmt((performance.now() - started) / 1000, 0)} s)`);
  } finally {
    rmSync(runDir, { recursive: true, force: true });
    if (!flags.keep) {
      for (const path of generated) {
        rmSync(path, { force: true });
        rmSync(`${path}.meta.json`, { force: true });
      }
    }
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  if (onlyParts !== null) return mainOnly(onlyParts);
  const started = performance.now();
  const runDir = join(DATA_DIR, `run-${process.pid}`);
  const cache = (name: string) => join(runDir, name);
  mkdirSync(runDir, { recursive: true });
  const lines: string[] = [];
  const say = (line: string) => {
    lines.push(line);
    process.stdout.write(`${line}\n`);
  };
  const report: Record<string, unknown> = {};
  const checks: string[] = [];
  const generated: string[] = [];

  try {
    const machine = describeMachine();
    log(`Tracelight bench: ${sizeMb} MB per form on ${machine.cpus} cpus (${machine.cpuModel}), node ${machine.nodeVersion}`);
    if (machine.loadAverageAtStart > 0.5) log(`  note: load average ${machine.loadAverageAtStart} — other processes are busy, figures will be noisy`);

    // 1. Data.
    log('data:');
    const sizeBytes = Math.round(sizeMb * MB);
    const compact = ensureData(`otel-compact-${sizeMb}mb-seed${SEED}.jsonl`, { form: 'compact', sizeBytes, seed: SEED }, (path) =>
      generateOtelFile({ path, form: 'compact', sizeBytes, seed: SEED }),
    );
    const pretty = ensureData(`otel-pretty-${sizeMb}mb-seed${SEED}.json`, { form: 'pretty', sizeBytes, seed: SEED }, (path) =>
      generateOtelFile({ path, form: 'pretty', sizeBytes, seed: SEED }),
    );
    generated.push(compact.path, pretty.path);
    const forms = { compact, pretty };

    // 2. Baseline: bare read + JSON.parse.
    log('baseline (bare read + JSON.parse, best of 2 passes):');
    const baseline: Record<string, ChildResult> = {};
    for (const [form, data] of Object.entries(forms)) {
      baseline[form] = await runChild('baseline', ['--path', data.path, '--form', form]);
      log(`  ${form}: ${fmt(baseline[form].mbPerSec)} MB/s`);
      if (baseline[form].records !== data.result.spans) checks.push(`baseline ${form} parsed ${baseline[form].records} records, the file holds ${data.result.spans}`);
    }

    // 3. Ingest, each in a fresh child with a fresh cache.
    // Like the baseline, the faster of two runs counts (this VM is noisy); peak RSS is the
    // larger of the two, and the first run's cache is the one reopened below.
    log(`ingest (openPath -> whenIdle, fresh cache, best of ${INGEST_RUNS} runs):`);
    const ingest: Record<string, ChildResult> = {};
    const ingestRuns: Record<string, ChildResult[]> = {};
    for (const [form, data] of Object.entries(forms)) {
      ingestRuns[form] = [];
      for (let run = 0; run < INGEST_RUNS; run++) {
        const result = await runChild('ingest', ['--path', data.path, '--cache', cache(run === 0 ? `ingest-${form}` : `ingest-${form}-${run}`)]);
        ingestRuns[form].push(result);
        log(`  ${form}: ${fmt(result.mbPerSec)} MB/s, ${fmt(result.idleMs as number, 0)} ms, peak RSS ${fmt(result.peakRssMb, 0)} MB`);
      }
      const fastest = ingestRuns[form].reduce((a, b) => (b.mbPerSec > a.mbPerSec ? b : a));
      ingest[form] = { ...fastest, peakRssMb: Math.max(...ingestRuns[form].map((r) => r.peakRssMb)) };
      const info = ingest[form].info as { spans: number; traces: number; sessions: number; errors: number };
      const want = data.result;
      if (info.spans !== want.spans || info.traces !== want.traces || info.sessions !== want.sessions || info.errors !== 0) {
        checks.push(`ingest ${form}: indexed ${info.spans} spans / ${info.traces} traces / ${info.sessions} sessions / ${info.errors} errors, the file holds ${want.spans} / ${want.traces} / ${want.sessions} / 0`);
      }
    }

    // 4. First sessions, fresh cache again.
    log('first sessions (openPath -> listSessions has a row, polling every 2 ms):');
    const first: Record<string, ChildResult> = {};
    for (const [form, data] of Object.entries(forms)) {
      first[form] = await runChild('first-sessions', ['--path', data.path, '--cache', cache(`first-${form}`)]);
      log(`  ${form}: ${fmt(first[form].ms, 0)} ms`);
    }

    // 5. Reopen with the complete caches of step 3.
    log('reopen (same cache, unchanged file):');
    const reopen: Record<string, ChildResult> = {};
    for (const [form, data] of Object.entries(forms)) {
      reopen[form] = await runChild('reopen', ['--path', data.path, '--cache', cache(`ingest-${form}`)]);
      log(`  ${form}: ${fmt(reopen[form].ms, 0)} ms`);
      const spans = (reopen[form].info as { spans: number }).spans;
      if (spans !== data.result.spans) checks.push(`reopen ${form}: ${spans} spans after reopening, expected ${data.result.spans}`);
    }

    // 6. Waterfall in Chromium.
    let waterfall: WaterfallBenchResult | null = null;
    let waterfallError: string | null = null;
    let waterfallData: DataFile<ReturnType<typeof generateOtelTraceFile>> | null = null;
    let waterfallIngest: ChildResult | null = null;
    let waterfallQuery: ChildResult | null = null;
    let builtAt: number | null = null;
    let isBuildStale = false;
    if (!flags['no-waterfall']) {
      log('waterfall (100,000-span session in headless Chromium):');
      try {
        waterfallData = ensureData(`otel-trace-${WATERFALL_SPANS}-seed${WATERFALL_SEED}.jsonl`, { form: 'compact', spans: WATERFALL_SPANS, seed: WATERFALL_SEED }, (path) =>
          generateOtelTraceFile({ path, form: 'compact', spans: WATERFALL_SPANS, seed: WATERFALL_SEED }),
        );
        generated.push(waterfallData.path);
        const app = ensureApp();
        const cliPath = app.cliPath;
        builtAt = app.builtAt;
        isBuildStale = app.isBuildStale;
        // Index it once in a child (which then releases the index), so the server resumes it.
        const waterfallCache = cache('waterfall');
        waterfallIngest = await runChild('ingest', ['--path', waterfallData.path, '--cache', waterfallCache]);
        log(`  indexed in ${fmt(waterfallIngest.idleMs as number, 0)} ms (${fmt(waterfallIngest.mbPerSec)} MB/s)`);
        const sessionId = String(waterfallIngest.firstSessionId);
        if (sessionId !== waterfallData.result.sessionId) checks.push(`waterfall: engine's session is ${sessionId}, generated ${waterfallData.result.sessionId}`);
        waterfallQuery = await runChild('waterfall-query', ['--path', waterfallData.path, '--cache', waterfallCache, '--session', sessionId]);
        log(`  engine: first window ${fmt(waterfallQuery.coldMs as number, 0)} ms cold, ${fmt(waterfallQuery.warmMs as number, 0)} ms warm`);
        waterfall = await runWaterfallBench({
          cliPath,
          file: waterfallData.path,
          sourceId: 's1',
          sessionId,
          cacheDir: waterfallCache,
          wheelEvents: 300,
          wheelDeltaPx: 120,
          log,
        });
        if (waterfall.totalRows !== WATERFALL_SPANS) checks.push(`waterfall: the grid has ${waterfall.totalRows} rows, expected ${WATERFALL_SPANS}`);
        log(`  first render ${fmt(waterfall.firstRenderMs, 0)} ms, wheel p95 ${fmt(waterfall.wheel.p95Ms)} ms`);
      } catch (error) {
        waterfallError = (error as Error).message;
        log(`  waterfall failed: ${waterfallError}`);
      }
    }

    // 7. The sessions table of 100k sessions, and collapsing a 50k-span subtree, in Chromium.
    const sessionsPart = flags['no-waterfall'] ? null : await measureSessions(runDir, generated);
    const collapsePart = flags['no-waterfall'] ? null : await measureCollapse(runDir, generated);
    for (const part of [sessionsPart, collapsePart]) if (part) checks.push(...part.checks);

    // 8. Live append: API and page.
    const live = flags['no-live'] ? null : await measureLive(runDir);

    // 9. CPU profile of one extra ingest (never one of the measured runs).
    let profileTop: ReturnType<typeof summarizeCpuProfiles> | null = null;
    let profileWallMs = NaN;
    if (flags['cpu-prof']) {
      const profileDir = join(DATA_DIR, 'profiles', `ingest-compact-${sizeMb}mb-${Date.now()}`);
      log(`cpu profile of a compact ingest -> ${relative(REPO, profileDir)}`);
      const profiled = await runChild('ingest', ['--path', compact.path, '--cache', cache('profile')], ['--cpu-prof', '--cpu-prof-dir', profileDir]);
      profileWallMs = profiled.idleMs as number;
      profileTop = summarizeCpuProfiles(
        readdirSync(profileDir)
          .filter((f) => f.endsWith('.cpuprofile'))
          .map((f) => join(profileDir, f)),
        20,
      );
    }

    // ------------------------------------------------------------ figures
    const ratio = (form: string) => ingest[form].mbPerSec / baseline[form].mbPerSec;
    const ingestRatioCompact = ratio('compact');
    const ingestRatioPretty = ratio('pretty');
    const firstSessionsMs = Math.max(first.compact.ms, first.pretty.ms);
    const reopenMs = Math.max(reopen.compact.ms, reopen.pretty.ms);
    const peakRssMb = Math.max(ingest.compact.peakRssMb, ingest.pretty.peakRssMb);
    const indexRatio = (form: 'compact' | 'pretty', key = 'indexBytes') => (ingest[form][key] as number) / forms[form].result.bytes;
    const indexToSourceRatio = indexRatio('compact');

    const loadAtEnd = loadavg()[0];
    Object.assign(machine, { loadAverageAtEnd: round(loadAtEnd, 2) });
    say(
      `machine: ${machine.cpus} cpus (${machine.cpuModel}), node ${machine.nodeVersion}, ${fmt(machine.totalMemMb / 1024)} GB RAM, ` +
        `load average ${fmt(machine.loadAverageAtStart, 2)} at start / ${fmt(loadAtEnd, 2)} at end (the bench itself adds about 1)`,
    );
    say(
      `data: compact ${fmt(compact.result.bytes / MB)} MB (${count(compact.result.spans)} spans, ${count(compact.result.sessions)} sessions), ` +
        `pretty ${fmt(pretty.result.bytes / MB)} MB (${count(pretty.result.spans)} spans, ${count(pretty.result.sessions)} sessions)` +
        (compact.isReused && pretty.isReused ? ', reused' : ''),
    );
    for (const form of ['compact', 'pretty']) {
      say(`baseline ${form}: ${fmt(baseline[form].mbPerSec)} MB/s (bare read + JSON.parse, the 1.0× reference)`);
    }
    for (const [form, r] of [['compact', ingestRatioCompact], ['pretty', ingestRatioPretty]] as const) {
      say(`ingest ${form}: ${fmt(ingest[form].mbPerSec)} MB/s (${fmt(r, 2)}× baseline, goal ≥ ${fmt(GOALS.ingestRatio)}×: ${verdict(r >= GOALS.ingestRatio)})`);
    }
    say(
      `first sessions: ${fmt(firstSessionsMs, 0)} ms (compact ${fmt(first.compact.ms, 0)}, pretty ${fmt(first.pretty.ms, 0)}; ` +
        `goal ≤ ${GOALS.firstSessionsMs} ms at 1 GB: ${verdict(firstSessionsMs <= GOALS.firstSessionsMs)})`,
    );
    say(
      `reopen: ${fmt(reopenMs, 0)} ms (compact ${fmt(reopen.compact.ms, 0)}, pretty ${fmt(reopen.pretty.ms, 0)}; ` +
        `goal ≤ ${GOALS.reopenMs} ms at 1 GB: ${verdict(reopenMs <= GOALS.reopenMs)})`,
    );
    say(
      `peak RSS: ${fmt(peakRssMb, 0)} MB (compact ${fmt(ingest.compact.peakRssMb, 0)}, pretty ${fmt(ingest.pretty.peakRssMb, 0)}, ` +
        `bare baseline ${fmt(Math.max(baseline.compact.peakRssMb, baseline.pretty.peakRssMb), 0)}, ` +
        `a reopen that indexes nothing ${fmt(Math.max(reopen.compact.peakRssMb, reopen.pretty.peakRssMb), 0)}; goal ≤ ${GOALS.peakRssMb} MB at 1 GB: ${verdict(peakRssMb <= GOALS.peakRssMb)})`,
    );
    say(
      `index size: ${fmt(indexToSourceRatio, 3)}× source (${fmt((ingest.compact.indexBytes as number) / MB)} MB *.sqlite + -wal for ${fmt(compact.result.bytes / MB)} MB compact; ` +
        `pretty ${fmt(indexRatio('pretty'), 3)}×; after close ${fmt(indexRatio('compact', 'indexBytesAfterClose'), 3)}×; no goal)`,
    );
    say(
      `ingest event-loop delay: max ${fmt(Math.max(ingest.compact.eventLoopDelayMaxMs as number, ingest.pretty.eventLoopDelayMaxMs as number), 0)} ms ` +
        `(compact p99 ${fmt(ingest.compact.eventLoopDelayP99Ms as number, 0)}, pretty p99 ${fmt(ingest.pretty.eventLoopDelayP99Ms as number, 0)}; the serving thread should never block)`,
    );
    if (waterfall) {
      const w = waterfall;
      const q = waterfallQuery!;
      say(
        `waterfall 100k first render: ${fmt(w.firstRenderMs, 0)} ms (navigation start → first row painted, fresh browser and engine: ` +
          `DOMContentLoaded at ${fmt(w.domContentLoadedMs ?? NaN, 0)} ms, engine's first window ${fmt(q.coldMs as number, 0)} ms cold / ${fmt(q.warmMs as number, 0)} ms warm; ` +
          `reload ${fmt(w.warmFirstRenderMs, 0)} ms; goal ≤ ${GOALS.waterfallFirstRenderMs} ms: ${verdict(w.firstRenderMs <= GOALS.waterfallFirstRenderMs)})`,
      );
      say(
        `waterfall 100k cold load RPC: ${w.coldRpc
          .map((c) => `${c.method} ${c.sentMs}→${c.answeredMs ?? '?'}${c.responseBytes && c.responseBytes > 10_000 ? ` (${fmt(c.responseBytes / 1024, 0)} KB)` : ''}`)
          .join(', ')} ms after navigation start`,
      );
      // rAF fires on vsync: a p95 equal to the idle interval (16.7 ms at 60 Hz) means no frame was missed.
      const frameVerdict = (p95: number) =>
        p95 <= GOALS.waterfallScrollP95FrameMs ? 'met' : p95 <= w.idleFrameMs * 1.05 ? `met at vsync (p95 = the ${fmt(w.idleFrameMs)} ms idle frame)` : 'NOT MET';
      say(
        `waterfall 100k scroll p95 frame: ${fmt(w.wheel.p95Ms)} ms (rAF deltas, mouse wheel ${300} × 120 px: p50 ${fmt(w.wheel.p50Ms)}, max ${fmt(w.wheel.maxMs)}, ` +
          `${w.wheel.droppedFrames} of ${w.wheel.frames} frames dropped; main-thread work p50 ${fmt(w.wheel.workP50Ms)} / p95 ${fmt(w.wheel.workP95Ms)} / max ${fmt(w.wheel.workMaxMs)} ms; ` +
          `${w.wheel.placeholderFrames} frames with placeholder rows; goal ≤ ${GOALS.waterfallScrollP95FrameMs} ms: ${frameVerdict(w.wheel.p95Ms)})`,
      );
      say(
        `waterfall 100k scrollTop p95 frame: ${fmt(w.scrollTop.p95Ms)} ms (120 px every frame: p50 ${fmt(w.scrollTop.p50Ms)}, max ${fmt(w.scrollTop.maxMs)}, ` +
          `${w.scrollTop.droppedFrames} of ${w.scrollTop.frames} dropped; work p50 ${fmt(w.scrollTop.workP50Ms)} / p95 ${fmt(w.scrollTop.workP95Ms)} / max ${fmt(w.scrollTop.workMaxMs)} ms; ` +
          `${w.scrollTop.placeholderFrames} with placeholders; ${frameVerdict(w.scrollTop.p95Ms)})`,
      );
      say(`waterfall 100k jump to middle: ${fmt(w.jumpToMiddleMs, 0)} ms (scrollTop to row ~50,000 → only real rows in view; engine window there ${fmt(q.middleMs as number, 0)} ms)`);
      say(`waterfall 100k JS heap: ${fmt(w.jsHeapMb)} MB (after GC, after scrolling; Jaeger UI holds 139 MB at 50k spans)`);
      if (isBuildStale) say('waterfall note: out/ was older than src/ — these figures are for the previous build');
    } else if (!flags['no-waterfall']) {
      say(`waterfall 100k: not measured (${waterfallError})`);
    }
    if (sessionsPart) for (const line of sessionsLines(sessionsPart)) say(line);
    if (collapsePart) for (const line of collapseLines(collapsePart)) say(line);
    if (live) for (const line of liveLines(live)) say(line);
    for (const check of checks) say(`CHECK FAILED: ${check}`);
    if (profileTop) {
      say(`cpu profile (extra compact ingest: ${fmt(profileWallMs / 1000, 2)} s wall under the profiler, ${fmt(profileTop.totalMs / 1000)} s of CPU sampled over ${profileTop.threads.length} threads):`);
      for (const t of profileTop.threads) say(`  thread ${fmt(t.totalMs / 1000, 2)} s busy: ${t.top.join(', ')}`);
      for (const f of profileTop.top) say(`  ${fmt(f.selfMs, 0).padStart(7)} ms ${fmt(f.share * 100).padStart(5)}%  ${f.name}  ${f.location}`);
    }

    Object.assign(report, {
      ingestRatioCompact: round(ingestRatioCompact, 3),
      ingestRatioPretty: round(ingestRatioPretty, 3),
      firstSessionsMs: round(firstSessionsMs),
      reopenMs: round(reopenMs),
      peakRssMb: round(peakRssMb),
      indexToSourceRatio: round(indexToSourceRatio, 4),
      waterfall100kFirstRenderMs: waterfall ? round(waterfall.firstRenderMs) : null,
      waterfall100kScrollP95FrameMs: waterfall ? round(waterfall.wheel.p95Ms, 2) : null,
      waterfall100kScrollP50FrameMs: waterfall ? round(waterfall.wheel.p50Ms, 2) : null,
      waterfall100kScrollMaxFrameMs: waterfall ? round(waterfall.wheel.maxMs, 2) : null,
      waterfall100kScrollDroppedFrames: waterfall ? waterfall.wheel.droppedFrames : null,
      waterfall100kScrollTopP95FrameMs: waterfall ? round(waterfall.scrollTop.p95Ms, 2) : null,
      waterfall100kWarmFirstRenderMs: waterfall ? round(waterfall.warmFirstRenderMs) : null,
      waterfall100kScrollP95FrameWorkMs: waterfall ? round(waterfall.wheel.workP95Ms, 2) : null,
      waterfall100kScrollTopP95FrameWorkMs: waterfall ? round(waterfall.scrollTop.workP95Ms, 2) : null,
      waterfall100kIdleFrameMs: waterfall ? round(waterfall.idleFrameMs, 2) : null,
      waterfall100kEngineFirstWindowColdMs: waterfallQuery ? round(waterfallQuery.coldMs as number) : null,
      waterfall100kEngineFirstWindowWarmMs: waterfallQuery ? round(waterfallQuery.warmMs as number, 2) : null,
      waterfall100kJumpToMiddleMs: waterfall ? round(waterfall.jumpToMiddleMs) : null,
      waterfall100kJsHeapMb: waterfall ? round(waterfall.jsHeapMb) : null,
      ...(sessionsPart ? sessionsReport(sessionsPart) : {}),
      ...(collapsePart ? collapseReport(collapsePart) : {}),
      ...(live ? liveReport(live) : {}),
      baselineCompactMBps: round(baseline.compact.mbPerSec),
      baselinePrettyMBps: round(baseline.pretty.mbPerSec),
      ingestCompactMBps: round(ingest.compact.mbPerSec),
      ingestPrettyMBps: round(ingest.pretty.mbPerSec),
      ingestCompactMs: round(ingest.compact.idleMs as number),
      ingestPrettyMs: round(ingest.pretty.idleMs as number),
      firstSessionsCompactMs: round(first.compact.ms),
      firstSessionsPrettyMs: round(first.pretty.ms),
      reopenCompactMs: round(reopen.compact.ms),
      reopenPrettyMs: round(reopen.pretty.ms),
      peakRssCompactMb: round(ingest.compact.peakRssMb),
      peakRssPrettyMb: round(ingest.pretty.peakRssMb),
      baselinePeakRssMb: round(Math.max(baseline.compact.peakRssMb, baseline.pretty.peakRssMb)),
      reopenPeakRssMb: round(Math.max(reopen.compact.peakRssMb, reopen.pretty.peakRssMb)),
      indexToSourceRatioPretty: round(indexRatio('pretty'), 4),
      indexToSourceRatioAfterClose: round(indexRatio('compact', 'indexBytesAfterClose'), 4),
      ingestEventLoopDelayMaxMs: round(Math.max(ingest.compact.eventLoopDelayMaxMs as number, ingest.pretty.eventLoopDelayMaxMs as number)),
      goals: GOALS,
      machine,
      sizeMb,
      data: {
        compact: { ...compact.result, isReused: compact.isReused },
        pretty: { ...pretty.result, isReused: pretty.isReused },
        waterfall: waterfallData ? { ...waterfallData.result, isReused: waterfallData.isReused } : null,
        sessions: sessionsPart?.data ? { ...sessionsPart.data.result, isReused: sessionsPart.data.isReused } : null,
        collapse: collapsePart?.data ? { ...collapsePart.data.result, isReused: collapsePart.data.isReused } : null,
      },
      app: { builtAt: builtAt === null ? null : new Date(builtAt).toISOString(), isBuildStale },
      raw: {
        baseline,
        ingest,
        ingestRuns,
        firstSessions: first,
        reopen,
        waterfallIngest,
        waterfallQuery,
        waterfall,
        waterfallError,
        sessionsIngest: sessionsPart?.ingest ?? null,
        sessionsQuery: sessionsPart?.query ?? null,
        sessions: sessionsPart?.bench ?? null,
        sessionsError: sessionsPart?.error ?? null,
        collapseIngest: collapsePart?.ingest ?? null,
        collapseQuery: collapsePart?.query ?? null,
        collapse: collapsePart?.bench ?? null,
        collapseError: collapsePart?.error ?? null,
        live: live ? { api: live.apiChild, page: live.page } : null,
      },
      profile: profileTop ? { ...profileTop, wallMs: round(profileWallMs) } : null,
      checks,
      lines,
      benchSeconds: round((performance.now() - started) / 1000),
      finishedAt: new Date().toISOString(),
    });
    writeFileSync(join(REPO, 'bench-report.json'), JSON.stringify(report, null, 2) + '\n');
    log(`wrote bench-report.json (${fmt((performance.now() - started) / 1000, 0)} s in all)`);
  } finally {
    rmSync(runDir, { recursive: true, force: true });
    if (!flags.keep) {
      for (const path of generated) {
        rmSync(path, { force: true });
        rmSync(`${path}.meta.json`, { force: true });
      }
    }
  }
}

main().catch((error) => {
  process.stderr.write(`bench: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
