/**
 * In-page probes of a virtualized grid and their statistics, shared by the waterfall
 * (bench/waterfall-bench.ts), the sessions table (bench/sessions-bench.ts) and the collapse
 * benchmark (bench/collapse-bench.ts). Every probe is a function of a GridTarget:
 *   - the first visible row after a navigation, taken after the frame that shows it (rAF, then a
 *     message: after paint), with the load's milestones;
 *   - requestAnimationFrame deltas while the grid scrolls, with per frame the main thread's work
 *     (frame start to rendered) and whether placeholder rows were in view;
 *   - a jump to the middle until only real rows are in view.
 *
 * Page-side scripts are strings: functions passed to page.evaluate would be serialized after
 * tsx/esbuild rewrote them (its `__name` helper does not exist in the page). They go through
 * page.evaluate (DevTools evaluation, which the page's strict CSP allows), never waitForFunction.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from '@playwright/test';
import { recordRpc, type RpcCall } from './rpc-probes';
import { latencyStats } from './stats';

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

/**
 * Evaluates `script` in the page every `everyMs` until it returns something other than null,
 * and returns that; throws `timeoutMessage` after `timeoutMs`. Polled from here: waitForFunction
 * would eval in the page, which its CSP forbids.
 */
export async function pollPage<T>(page: Page, script: string, timeoutMs: number, everyMs: number, timeoutMessage: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = (await page.evaluate(script)) as T | null;
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(timeoutMessage);
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------- first row

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

const FIRST_ROW_STATE = `(() => { const s = window.__tlFirstRow; return s && s.paintedMs !== null ? s : null; })()`;

/** The first-row times measured in the page (firstRowProbe). */
export interface FirstRow {
  paintedMs: number;
  detectedMs: number;
  label: string | null;
  domContentLoadedMs: number | null;
  scriptsLoadedMs: number | null;
}

/** Navigates to the link and returns the first-row times measured in the page (firstRowProbe installed). */
export async function openAndMeasure(page: Page, link: string): Promise<FirstRow> {
  await page.goto(link, { waitUntil: 'commit' });
  return pollPage<FirstRow>(page, FIRST_ROW_STATE, 120_000, 20, 'no row within 120 s');
}

/**
 * A cold load (fresh browser, and an engine that has not answered this view yet) with the
 * page's RPC calls up to its first row (the answers may be wrong by a few ms: Node clock), then a
 * warm one: same browser (HTTP cache) and engine, a fresh document. firstRowProbe installed.
 */
export async function loadColdThenWarm(page: Page, link: string): Promise<{ cold: FirstRow; coldRpc: RpcCall[]; warm: FirstRow }> {
  const rpc = recordRpc(page);
  const cold = await openAndMeasure(page, link);
  rpc.stop();
  const coldRpc = rpc.rebase((await page.evaluate('performance.timeOrigin')) as number);
  await page.goto('about:blank');
  const warm = await openAndMeasure(page, link);
  return { cold, coldRpc, warm };
}

// ---------------------------------------------------------------- frames

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

function stopRecorderScript(target: GridTarget): string {
  return `(() => {
  const r = window.__tlRec;
  r.stop = true;
  const grid = document.querySelector(${js(target.grid)});
  return { deltas: r.deltas, works: r.works, long: r.long, placeholderFrames: r.placeholderFrames, scrolledPx: grid.scrollTop - r.startTop, durationMs: performance.now() - r.startMs };
})()`;
}

/** Stops the page's frame recorder and sums it up; a delta over 1.5 × `idleFrameMs` is a dropped frame. */
export async function stopRecorder(page: Page, idleFrameMs: number, target: GridTarget): Promise<FrameStats> {
  const rec = (await page.evaluate(stopRecorderScript(target))) as { deltas: number[]; works: number[]; long: FrameStats['longFrames']; placeholderFrames: number; scrolledPx: number; durationMs: number };
  const deltas = latencyStats(rec.deltas);
  const works = latencyStats(rec.works);
  return {
    frames: deltas.n,
    p50Ms: deltas.p50Ms,
    p95Ms: deltas.p95Ms,
    p99Ms: deltas.p99Ms,
    maxMs: deltas.maxMs,
    droppedFrames: rec.deltas.filter((d) => d > idleFrameMs * 1.5).length,
    workP50Ms: works.p50Ms,
    workP95Ms: works.p95Ms,
    workMaxMs: works.maxMs,
    placeholderFrames: rec.placeholderFrames,
    longFrames: rec.long,
    scrolledPx: rec.scrolledPx,
    durationMs: rec.durationMs,
  };
}

/** Steps the grid's scrollTop by `px` once per frame, `steps` times. */
export function scrollTopSteps(steps: number, px: number, target: GridTarget): string {
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

/** Puts the mouse over the middle of the grid's box (where the wheel scrolls it) and lets the page settle. */
export async function hoverMiddle(page: Page, box: { x: number; y: number; width: number; height: number }): Promise<void> {
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.waitForTimeout(300);
}

/** What measureGridScroll measures. */
export interface GridScroll {
  /** rAF's idle cadence: what one frame is on this machine. */
  idleFrameMs: number;
  wheel: FrameStats;
  scrollTop: FrameStats;
  jumpToMiddleMs: number;
}

/**
 * On an open page whose mouse is over the grid: the idle frame cadence (1 s), then frames
 * while the mouse wheel scrolls it, then while scrollTop steps once per frame, then a jump to
 * the middle until only real rows are in view.
 */
export async function measureGridScroll(page: Page, target: GridTarget, options: { wheelEvents: number; wheelDeltaPx: number }): Promise<GridScroll> {
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
