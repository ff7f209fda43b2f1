/**
 * `npm run bench`: Tracelight's performance figures (DESIGN.md §5, issue 4), measured in one run
 * on this machine as ratios against the simplest possible program doing the same work.
 *
 *   npm run bench [-- --size-mb N | --gb] [--keep] [--no-waterfall] [--build] [--cpu-prof]
 *
 *   --size-mb N     size of each generated file (compact and pretty), default 200
 *   --gb            1024 MB
 *   --keep          keep the generated files in bench/.data for the next run (else deleted)
 *   --no-waterfall  skip the Chromium part
 *   --build         rebuild the app (npx electron-vite build) before the Chromium part; without
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
import { generateOtelFile, generateOtelTraceFile, type GenerateOtelResult } from './generate-otel';
import { summarizeCpuProfiles } from './cpu-profile';
import { runWaterfallBench, type WaterfallBenchResult } from './waterfall-bench';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(BENCH_DIR, '..');
const DATA_DIR = join(BENCH_DIR, '.data');
const CHILD = join(BENCH_DIR, 'bench-child.ts');
const SEED = 1;
const INGEST_RUNS = 2;
const WATERFALL_SPANS = 100_000;
const WATERFALL_SEED = 42;
const MB = 1024 * 1024;

const GOALS = {
  ingestRatio: 1.0,
  firstSessionsMs: 300,
  reopenMs: 200,
  peakRssMb: 400,
  waterfallFirstRenderMs: 500,
  waterfallScrollP95FrameMs: 16,
};

const USAGE = 'usage: npm run bench [-- --size-mb N | --gb] [--keep] [--no-waterfall] [--build] [--cpu-prof]\n';
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
      },
    });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}
const sizeMb = flags.gb ? 1024 : Number(flags['size-mb']);
if (!(sizeMb > 0)) {
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

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
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
    const machine = {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      nodeVersion: process.version,
      platform: `${process.platform} ${process.arch}`,
      totalMemMb: Math.round(totalmem() / MB),
      loadAverageAtStart: round(loadavg()[0], 2),
    };
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
        const cliPath = join(REPO, 'out/main/cli.js');
        const builtPage = join(REPO, 'out/renderer/index.html');
        if (flags.build || !existsSync(cliPath) || !existsSync(builtPage)) {
          log('  building the app (npx electron-vite build)...');
          const built = spawnSync('npx', ['electron-vite', 'build'], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'] });
          if (built.status !== 0) throw new Error('npx electron-vite build failed');
        }
        builtAt = Math.min(statSync(cliPath).mtimeMs, statSync(builtPage).mtimeMs);
        const newestSource = newestMtime(join(REPO, 'src'));
        if (newestSource.mtimeMs > builtAt) {
          isBuildStale = true;
          log(`  note: out/ is older than ${relative(REPO, newestSource.path)}; measuring the old build (pass --build to rebuild first)`);
        }
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

    // 7. CPU profile of one extra ingest (never one of the measured runs).
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
      },
      app: { builtAt: builtAt === null ? null : new Date(builtAt).toISOString(), isBuildStale },
      raw: { baseline, ingest, ingestRuns, firstSessions: first, reopen, waterfallIngest, waterfallQuery, waterfall, waterfallError },
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
