/**
 * The sessions table of 100,000 sessions in headless Chromium, measured like the waterfall
 * (bench/waterfall-bench.ts): starts the web shell on an already indexed file, opens the app
 * (no session selected) and measures
 *   - first rows: from navigation start to the first session row (role=row inside the grid
 *     named "Sessions", the header row excluded) being laid out inside the grid's viewport,
 *     taken after the frame that shows it; then again on a reload (warm);
 *   - scrolling: rAF deltas and per-frame main-thread work while the mouse wheel scrolls the
 *     grid (300 × 120 px), then while scrollTop steps 120 px each frame, and frames with
 *     placeholder rows in view;
 *   - a jump to the middle (row ~50,000) until only real rows are in view;
 *   - the same scrolling and jump again after clicking the source in the sidebar ("show only
 *     this source's sessions"): the table then asks the engine for that source's sessions, which
 *     is another query path than the unfiltered table's (across sources);
 *   - the page's JS heap after a garbage collection.
 * The table's pane is set to `sessionsFraction` of the main area (the layout the user can drag,
 * kept in localStorage) before the page's scripts run: the taller the table, the more rows
 * each frame renders.
 */
import { basename } from 'node:path';
import type { Page } from '@playwright/test';
import { firstRowProbe, hoverMiddle, loadColdThenWarm, measureGridScroll, type GridScroll, type GridTarget } from './frame-probes';
import type { RpcCall } from './rpc-probes';
import { jsHeapAfterGcMb, redactToken, withServedPage, type ServedFileOptions } from './web-shell';

export const SESSIONS_GRID: GridTarget = {
  grid: '[role="grid"][aria-label="Sessions"]',
  // Session rows carry their index; the header row does not.
  row: '[role="row"][data-index]',
  // The body rowgroup follows the header's.
  canvas: '[role="rowgroup"] + [role="rowgroup"]',
};

export interface SessionsBenchOptions extends ServedFileOptions {
  /** Share of the main area given to the sessions table (the app's default is 0.35). */
  sessionsFraction: number;
  wheelEvents: number;
  wheelDeltaPx: number;
}

export interface SessionsBenchResult extends SessionsScroll {
  url: string;
  serverReadyMs: number;
  firstRowsMs: number;
  firstRowsDetectedMs: number;
  /** Text of the first row found (the newest session's cells). */
  firstRowText: string | null;
  domContentLoadedMs: number | null;
  scriptsLoadedMs: number | null;
  warmFirstRowsMs: number;
  coldRpc: RpcCall[];
  /** aria-rowcount minus the header row. */
  totalRows: number;
  /** Session rows inside the grid's viewport at the top. */
  rowsInView: number;
  gridHeightPx: number;
  /** The same scrolling and jump, filtered to the source (null when that part failed: see filteredError). */
  filtered: SessionsScroll | null;
  filteredError: string | null;
  jsHeapMb: number;
}

export interface SessionsScroll extends GridScroll {
  /** Indexes of the first and last session rows in view after the jump (-1: none). */
  middleRows: { first: number; last: number };
}

/** Rows in the grid's viewport: their count, first and last index, and the grid's height. */
const ROWS_IN_VIEW = `(() => {
  const grid = document.querySelector(${JSON.stringify(SESSIONS_GRID.grid)});
  const box = grid.getBoundingClientRect();
  const head = grid.querySelector('[role="rowgroup"]').getBoundingClientRect();
  let n = 0, first = -1, last = -1;
  for (const row of grid.querySelectorAll(${JSON.stringify(SESSIONS_GRID.row)})) {
    const r = row.getBoundingClientRect();
    if (r.height === 0 || r.bottom <= head.bottom || r.top >= box.bottom) continue;
    const index = Number(row.dataset.index);
    n++;
    if (first < 0 || index < first) first = index;
    if (index > last) last = index;
  }
  return { n, first, last, heightPx: box.height };
})()`;

/** Clicks the source's name in the sidebar (show only its sessions) and waits for the table's top rows. */
async function filterToSource(page: Page, file: string): Promise<void> {
  const name = basename(file);
  await page.getByRole('button', { name, exact: true, pressed: false }).click();
  await page.getByRole('button', { name, exact: true, pressed: true }).waitFor();
  await page.getByRole('button', { name: 'Show sessions of every source' }).waitFor();
  await page.getByRole('grid', { name: 'Sessions' }).locator('[role="row"][data-index="0"]').waitFor();
}

export function runSessionsBench(options: SessionsBenchOptions): Promise<SessionsBenchResult> {
  const layout = `try { localStorage.setItem('tracelight.layout.sessionsFraction', ${JSON.stringify(String(options.sessionsFraction))}); } catch {}`;
  return withServedPage({ ...options, initScripts: [layout, firstRowProbe(SESSIONS_GRID)] }, async ({ url, serverReadyMs, context, page }) => {
    // Cold: fresh browser, an engine that has not answered a sessions query yet.
    const { cold, coldRpc, warm } = await loadColdThenWarm(page, url);

    const grid = page.getByRole('grid', { name: 'Sessions' });
    await grid.locator(SESSIONS_GRID.row).first().waitFor();
    const totalRows = Number(await grid.getAttribute('aria-rowcount')) - 1;
    const top = (await page.evaluate(ROWS_IN_VIEW)) as { n: number; first: number; last: number; heightPx: number };
    const box = (await grid.boundingBox())!;
    await hoverMiddle(page, box);

    const { idleFrameMs, wheel, scrollTop, jumpToMiddleMs } = await measureGridScroll(page, SESSIONS_GRID, options);
    const middle = (await page.evaluate(ROWS_IN_VIEW)) as { n: number; first: number; last: number };

    // Filtered to the source: the table starts again from the top.
    let filtered: SessionsScroll | null = null;
    let filteredError: string | null = null;
    try {
      await filterToSource(page, options.file);
      await hoverMiddle(page, box);
      const scroll = await measureGridScroll(page, SESSIONS_GRID, options);
      const at = (await page.evaluate(ROWS_IN_VIEW)) as { n: number; first: number; last: number };
      filtered = { ...scroll, middleRows: { first: at.first, last: at.last } };
    } catch (error) {
      filteredError = (error as Error).message;
      options.log(`  sessions filtered to the source failed: ${filteredError}`);
    }

    return {
      url: redactToken(url),
      serverReadyMs,
      firstRowsMs: cold.paintedMs,
      firstRowsDetectedMs: cold.detectedMs,
      firstRowText: cold.label,
      domContentLoadedMs: cold.domContentLoadedMs,
      scriptsLoadedMs: cold.scriptsLoadedMs,
      warmFirstRowsMs: warm.paintedMs,
      coldRpc,
      totalRows,
      rowsInView: top.n,
      gridHeightPx: top.heightPx,
      idleFrameMs,
      wheel,
      scrollTop,
      jumpToMiddleMs,
      middleRows: { first: middle.first, last: middle.last },
      filtered,
      filteredError,
      jsHeapMb: await jsHeapAfterGcMb(context, page),
    };
  });
}
