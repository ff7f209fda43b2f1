/**
 * The 100,000-span waterfall in headless Chromium: starts the web shell on an already indexed
 * file, opens the session's deep link, and measures
 *   - first render: from navigation start (the page's performance time origin) to the first
 *     waterfall row (role=row inside the treegrid named "Waterfall") being laid out inside the
 *     grid's viewport, taken after the frame that shows it (rAF, then a message: after paint);
 *   - scrolling: requestAnimationFrame deltas while the mouse wheel scrolls the grid (300 × 120 px),
 *     then while scrollTop steps 120 px each frame; per frame also the main thread's work (frame
 *     start to rendered) and whether placeholder rows were in view;
 *   - a jump to the middle of the trace until real rows fill the viewport;
 *   - the page's JS heap after a garbage collection.
 * The page-side probes and the scroll measurement are functions of a GridTarget, so the sessions
 * table (bench/sessions-bench.ts) is measured the same way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type Page } from '@playwright/test';
import { connectWebSocketTransport } from '../src/server/ws-client-transport';
import { createClient } from '../src/shared/rpc/create-client';

export interface WaterfallBenchOptions {
  cliPath: string;
  file: string;
  sourceId: string;
  sessionId: string;
  cacheDir: string;
  wheelEvents: number;
  wheelDeltaPx: number;
  log: (line: string) => void;
}

export interface FrameStats {
  frames: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Deltas over 1.5 idle frame intervals. */
  droppedFrames: number;
  /** Main-thread time per frame: from the frame's start (rAF timestamp) until it was rendered. */
  workP50Ms: number;
  workP95Ms: number;
  workMaxMs: number;
  /** Frames in which some row in view was still a placeholder (data not there yet). */
  placeholderFrames: number;
  /** The first frames whose work exceeded 16 ms: when (since the recording began) and where. */
  longFrames: { atMs: number; workMs: number; scrollTopPx: number }[];
  scrolledPx: number;
  durationMs: number;
}

export interface WaterfallBenchResult {
  url: string;
  serverReadyMs: number;
  firstRenderMs: number;
  firstRenderDetectedMs: number;
  firstRowLabel: string | null;
  /** Cold load milestones, same clock: DOMContentLoaded and the last script's responseEnd. */
  domContentLoadedMs: number | null;
  scriptsLoadedMs: number | null;
  warmFirstRenderMs: number;
  /** The page's RPC calls up to the first row of the cold load (the answer may be wrong by a few ms: Node clock). */
  coldRpc: RpcCall[];
  totalRows: number;
  idleFrameMs: number;
  wheel: FrameStats;
  scrollTop: FrameStats;
  jumpToMiddleMs: number;
  jsHeapMb: number;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--headless',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** A virtualized grid of the page: how the page-side scripts find it, its data rows and their placeholders. */
export interface GridTarget {
  /** The scrolling grid element. */
  grid: string;
  /** Its data rows, relative to the grid (a header row must not match). */
  row: string;
  /** The element holding the rows and placeholder rows as children, relative to the grid. */
  canvas: string;
}

export const WATERFALL_GRID: GridTarget = {
  grid: '[role="treegrid"][aria-label="Waterfall"]',
  row: '[role="row"]',
  canvas: '[role="rowgroup"]',
};

/** Quoted for a page script. */
const js = (value: string) => JSON.stringify(value);

/** Installed before any page script: watches every frame for the first visible row of the grid. */
export function firstRowProbe(target: GridTarget): string {
  return `(() => {
  const state = { detectedMs: null, paintedMs: null, label: null, domContentLoadedMs: null, scriptsLoadedMs: null };
  window.__tlFirstRow = state;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => { state.paintedMs = performance.now(); };
  const check = () => {
    const grid = document.querySelector(${js(target.grid)});
    if (grid) {
      const box = grid.getBoundingClientRect();
      for (const row of grid.querySelectorAll(${js(target.row)})) {
        const r = row.getBoundingClientRect();
        if (r.width > 0 && r.height > 0 && r.bottom > box.top && r.top < box.bottom && r.top < innerHeight) {
          state.detectedMs = performance.now();
          state.label = row.getAttribute('aria-label') || (row.textContent || '').slice(0, 120);
          const nav = performance.getEntriesByType('navigation')[0];
          const scripts = performance.getEntriesByType('resource').filter((e) => e.initiatorType === 'script');
          state.domContentLoadedMs = nav ? nav.domContentLoadedEventEnd : null;
          state.scriptsLoadedMs = scripts.length ? Math.max(...scripts.map((e) => e.responseEnd)) : null;
          // A message posted from rAF is delivered after this frame has been produced.
          channel.port2.postMessage(0);
          return;
        }
      }
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();`;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Starts `tracelight serve` and resolves with its page URL. */
export function startServer(options: Pick<WaterfallBenchOptions, 'cliPath' | 'file' | 'cacheDir'>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [options.cliPath, 'serve', options.file, '--port', '0'], {
    env: { ...process.env, TRACELIGHT_CACHE_DIR: options.cacheDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tracelight serve printed no URL in 60 s; stderr: ${stderr}`)), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /Tracelight is serving at (\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tracelight serve exited with ${code}; stderr: ${stderr}`));
    });
  });
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Waits, through the server's own API, until every source has read its whole file. */
export async function waitUntilIndexed(url: string, timeoutMs: number): Promise<void> {
  const transport = await connectWebSocketTransport(url);
  const client = createClient(transport);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const sources = await client.listSources();
      if (sources.length > 0 && sources.every((s) => s.status !== 'loading' && s.bytesRead >= s.sizeBytes)) return;
      if (Date.now() > deadline) throw new Error(`not indexed after ${timeoutMs} ms: ${JSON.stringify(sources)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    client.close();
    await transport.close();
  }
}

/** The first-row times measured in the page (firstRowProbe). */
export interface FirstRow {
  paintedMs: number;
  detectedMs: number;
  label: string | null;
  domContentLoadedMs: number | null;
  scriptsLoadedMs: number | null;
}

/** One RPC call of the page during a load: when it was sent and answered, since navigation start. */
export interface RpcCall {
  method: string;
  sentMs: number;
  answeredMs: number | null;
  responseBytes: number | null;
}

/** Records the page's RPC requests and responses over its WebSocket, on the Node clock. */
export function recordRpc(page: Page): { stop(): void; rebase(originEpochMs: number): RpcCall[] } {
  const pending = new Map<number, { method: string; sentEpoch: number; answeredEpoch: number | null; bytes: number | null }>();
  const order: { method: string; sentEpoch: number; answeredEpoch: number | null; bytes: number | null }[] = [];
  let isStopped = false;
  page.on('websocket', (socket) => {
    socket.on('framesent', ({ payload }) => {
      if (isStopped) return;
      try {
        const message = JSON.parse(String(payload)) as { type?: string; id?: number; method?: string };
        if (message.type !== 'request' || typeof message.id !== 'number') return;
        const call = { method: String(message.method), sentEpoch: Date.now(), answeredEpoch: null, bytes: null };
        pending.set(message.id, call);
        order.push(call);
      } catch {
        // not an RPC message
      }
    });
    socket.on('framereceived', ({ payload }) => {
      if (isStopped) return;
      const text = String(payload);
      const match = /^\{"type":"response","id":(\d+)/.exec(text);
      const call = match ? pending.get(Number(match[1])) : undefined;
      if (!call) return;
      call.answeredEpoch = Date.now();
      call.bytes = Buffer.byteLength(text);
    });
  });
  return {
    stop: () => (isStopped = true),
    rebase: (originEpochMs) =>
      order.map((c) => ({
        method: c.method,
        sentMs: Math.round(c.sentEpoch - originEpochMs),
        answeredMs: c.answeredEpoch === null ? null : Math.round(c.answeredEpoch - originEpochMs),
        responseBytes: c.bytes,
      })),
  };
}

/** Navigates to the link and returns the first-row times measured in the page (firstRowProbe installed). */
export async function openAndMeasure(page: Page, link: string): Promise<FirstRow> {
  await page.goto(link, { waitUntil: 'commit' });
  // Polled from here: waitForFunction would eval in the page, which its CSP forbids.
  const deadline = Date.now() + 120_000;
  for (;;) {
    const state = (await page.evaluate(FIRST_ROW_STATE)) as FirstRow | null;
    if (state) return state;
    if (Date.now() > deadline) throw new Error('no row within 120 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Page-side frame recorder: rAF deltas plus, per frame, whether placeholder rows were in view. */
export function recorderScript(target: GridTarget): string {
  return `(() => {
  const grid = document.querySelector(${js(target.grid)});
  const rec = { deltas: [], works: [], long: [], placeholderFrames: 0, stop: false, startTop: grid.scrollTop, startMs: performance.now() };
  window.__tlRec = rec;
  // Posted from rAF, delivered once the frame is rendered: its time minus the frame's start
  // (rAF's timestamp, before scroll events and rAF callbacks) is the main thread's work on
  // that frame. Placeholders are looked for there too, so the probe forces no extra layout.
  const channel = new MessageChannel();
  channel.port1.onmessage = (event) => {
    const work = performance.now() - event.data;
    rec.works.push(work);
    if (work > 16 && rec.long.length < 40) rec.long.push({ atMs: Math.round(event.data - rec.startMs), workMs: Math.round(work * 10) / 10, scrollTopPx: Math.round(grid.scrollTop) });
    const box = grid.getBoundingClientRect();
    const canvas = grid.querySelector(${js(target.canvas)}) || grid;
    for (const el of canvas.children) {
      if (el.getAttribute('role') === 'row') continue;
      const r = el.getBoundingClientRect();
      if (r.height > 0 && r.bottom > box.top && r.top < box.bottom) { rec.placeholderFrames++; break; }
    }
  };
  let last = null;
  const frame = (t) => {
    if (last !== null) rec.deltas.push(t - last);
    last = t;
    channel.port2.postMessage(t);
    if (!rec.stop) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})()`;
}

/**
 * Page-side scripts are strings: functions passed to page.evaluate would be serialized after
 * tsx/esbuild rewrote them (its `__name` helper does not exist in the page). They go through
 * page.evaluate (DevTools evaluation, which the page's strict CSP allows), never waitForFunction.
 */
export function scrollTopSteps(steps: number, px: number, target: GridTarget = WATERFALL_GRID): string {
  return `new Promise((resolve) => {
    const grid = document.querySelector(${js(target.grid)});
    let i = 0;
    const step = () => {
      if (i++ >= ${steps}) return resolve();
      grid.scrollTop += ${px};
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  })`;
}

/** Scrolls to the middle; resolves with the ms until only real rows are in view (NaN after 30 s). */
export function jumpToMiddleScript(target: GridTarget): string {
  return `new Promise((resolve) => {
  const grid = document.querySelector(${js(target.grid)});
  const start = performance.now();
  grid.scrollTop = grid.scrollHeight / 2;
  const check = () => {
    const box = grid.getBoundingClientRect();
    const canvas = grid.querySelector(${js(target.canvas)}) || grid;
    let rows = 0;
    let placeholders = 0;
    for (const el of canvas.children) {
      const r = el.getBoundingClientRect();
      if (r.height === 0 || r.bottom <= box.top || r.top >= box.bottom) continue;
      if (el.getAttribute('role') === 'row') rows++;
      else placeholders++;
    }
    if (rows > 0 && placeholders === 0) return resolve(performance.now() - start);
    if (performance.now() - start > 30000) return resolve(NaN);
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})`;
}

function stopRecorderScript(target: GridTarget): string {
  return `(() => {
  const r = window.__tlRec;
  r.stop = true;
  const grid = document.querySelector(${js(target.grid)});
  return { deltas: r.deltas, works: r.works, long: r.long, placeholderFrames: r.placeholderFrames, scrolledPx: grid.scrollTop - r.startTop, durationMs: performance.now() - r.startMs };
})()`;
}

const FIRST_ROW_STATE = `(() => { const s = window.__tlFirstRow; return s && s.paintedMs !== null ? s : null; })()`;

export async function stopRecorder(page: Page, idleFrameMs: number, target: GridTarget = WATERFALL_GRID): Promise<FrameStats> {
  const rec = (await page.evaluate(stopRecorderScript(target))) as { deltas: number[]; works: number[]; long: FrameStats['longFrames']; placeholderFrames: number; scrolledPx: number; durationMs: number };
  const sorted = [...rec.deltas].sort((a, b) => a - b);
  const works = [...rec.works].sort((a, b) => a - b);
  return {
    frames: sorted.length,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted[sorted.length - 1] ?? NaN,
    droppedFrames: sorted.filter((d) => d > idleFrameMs * 1.5).length,
    workP50Ms: percentile(works, 50),
    workP95Ms: percentile(works, 95),
    workMaxMs: works[works.length - 1] ?? NaN,
    placeholderFrames: rec.placeholderFrames,
    longFrames: rec.long,
    scrolledPx: rec.scrolledPx,
    durationMs: rec.durationMs,
  };
}

/**
 * On an open page whose mouse is over the grid: the idle frame cadence (1 s), then frames
 * while the mouse wheel scrolls it, then while scrollTop steps once per frame, then a jump to
 * the middle until only real rows are in view.
 */
export async function measureGridScroll(
  page: Page,
  target: GridTarget,
  options: { wheelEvents: number; wheelDeltaPx: number },
): Promise<{ idleFrameMs: number; wheel: FrameStats; scrollTop: FrameStats; jumpToMiddleMs: number }> {
  const recorder = recorderScript(target);
  // Idle cadence: what one frame is on this machine.
  await page.evaluate(recorder);
  await page.waitForTimeout(1000);
  const idle = await stopRecorder(page, Infinity, target);
  const idleFrameMs = idle.p50Ms;

  // Mouse wheel over the grid.
  await page.evaluate(recorder);
  for (let i = 0; i < options.wheelEvents; i++) await page.mouse.wheel(0, options.wheelDeltaPx);
  await page.waitForTimeout(300);
  const wheel = await stopRecorder(page, idleFrameMs, target);

  // scrollTop steps, one per frame.
  await page.evaluate(recorder);
  await page.evaluate(scrollTopSteps(options.wheelEvents, options.wheelDeltaPx, target));
  await page.waitForTimeout(300);
  const scrollTop = await stopRecorder(page, idleFrameMs, target);

  // Jump to the middle: time until only real rows are in view.
  const jumpToMiddleMs = (await page.evaluate(jumpToMiddleScript(target))) as number;
  return { idleFrameMs, wheel, scrollTop, jumpToMiddleMs };
}

export async function runWaterfallBench(options: WaterfallBenchOptions): Promise<WaterfallBenchResult> {
  const serverStart = performance.now();
  const { child, url } = await startServer(options);
  let browser: Browser | null = null;
  try {
    await waitUntilIndexed(url, 300_000);
    const serverReadyMs = performance.now() - serverStart;
    const link = `${url}#/source/${encodeURIComponent(options.sourceId)}/session/${encodeURIComponent(options.sessionId)}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript(firstRowProbe(WATERFALL_GRID));
    const page = await context.newPage();
    page.on('pageerror', (error) => options.log(`  page error: ${error.message}`));

    // Cold: fresh browser, and the engine has not built this session's tree yet.
    const rpc = recordRpc(page);
    const cold = await openAndMeasure(page, link);
    rpc.stop();
    const coldRpc = rpc.rebase((await page.evaluate('performance.timeOrigin')) as number);
    // Warm: same browser (HTTP cache) and engine (cached tree), a fresh document.
    await page.goto('about:blank');
    const warm = await openAndMeasure(page, link);

    const grid = page.getByRole('treegrid', { name: 'Waterfall' });
    await grid.getByRole('row').first().waitFor();
    const totalRows = Number(await grid.getAttribute('aria-rowcount'));
    const box = (await grid.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForTimeout(300);

    // Idle cadence, mouse wheel, scrollTop steps, jump to the middle.
    const { idleFrameMs, wheel, scrollTop, jumpToMiddleMs } = await measureGridScroll(page, WATERFALL_GRID, options);

    const cdp = await context.newCDPSession(page);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };

    return {
      url: link.replace(/token=[^#&]+/, 'token=…'),
      serverReadyMs,
      firstRenderMs: cold.paintedMs,
      firstRenderDetectedMs: cold.detectedMs,
      firstRowLabel: cold.label,
      domContentLoadedMs: cold.domContentLoadedMs,
      scriptsLoadedMs: cold.scriptsLoadedMs,
      warmFirstRenderMs: warm.paintedMs,
      coldRpc,
      totalRows,
      idleFrameMs,
      wheel,
      scrollTop,
      jumpToMiddleMs,
      jsHeapMb: heap.usedSize / 1048576,
    };
  } finally {
    await browser?.close().catch(() => undefined);
    await stopServer(child);
  }
}
