/**
 * Collapsing and expanding a 50,000-span subtree of the 100,000-span waterfall in headless
 * Chromium. The trace comes from generateOtelTraceFile with `subtreeSpans`: the root's first
 * child (SUBTREE_SPAN_NAME, row 2) holds that many descendants. The web shell is started on the
 * already indexed file, the session's deep link opened, and then, `repeats` times, that row's
 * toggle button ("Collapse <name>", then "Expand <name>") is clicked and the page notes:
 *   - click: a capture listener on window (the click event's dispatch, before React's handler);
 *   - request / response: the page's getWaterfall request that followed, sent and answered
 *     (a WebSocket wrapper installed before the page's scripts, same clock);
 *   - DOM: a MutationObserver sees the new state: the grid's aria-rowcount is the collapsed (or
 *     full) count, the row's button is named "Expand <name>" (or "Collapse <name>"), the row
 *     after it is its next sibling (or its first child, one level deeper), and every row slot
 *     in view is a real row, not a placeholder;
 *   - painted: a message posted from the next rAF (delivered once that frame is produced).
 * Page-side scripts are strings (the page's CSP, and tsx's __name helper), run through
 * page.evaluate or installed as init scripts; see frame-probes.ts.
 */
import type { Page } from '@playwright/test';
import { firstRowProbe, openAndMeasure, pollPage, WATERFALL_GRID } from './frame-probes';
import { wsProbe, type WsLogEntry } from './rpc-probes';
import { redactToken, sessionLink, withServedPage, type ServedFileOptions } from './web-shell';

export interface CollapseBenchOptions extends ServedFileOptions {
  sourceId: string;
  sessionId: string;
  /** Name of the span whose subtree is toggled (unique in the session). */
  spanName: string;
  /** Its descendants: rows that disappear when it is collapsed. */
  descendants: number;
  /** Collapse + expand pairs. */
  repeats: number;
}

/** One toggle, ms after the click (page clock). */
export interface ToggleTiming {
  /** Click → the DOM shows the new state with the rows below re-rendered. */
  domMs: number;
  /** Click → the frame showing it was produced. */
  paintedMs: number;
  /** Click → the getWaterfall request was sent (React: store update, render, effect). */
  requestMs: number | null;
  /** getWaterfall sent → answered (WebSocket, server, engine). */
  rpcMs: number | null;
  /** Answer → DOM state (JSON parse, React render and commit). */
  renderMs: number | null;
  /** getWaterfall requests between the click and the DOM state. */
  requests: number;
  responseBytes: number | null;
  /** Rows in view when the state was seen. */
  rowsInView: number;
  /** aria-label of the row after the toggled one. */
  nextRowLabel: string | null;
}

export interface CollapseBenchResult {
  url: string;
  serverReadyMs: number;
  openMs: number;
  /** Row index (aria-rowindex, 1-based) and level (aria-level) of the toggled span. */
  rowIndex: number;
  level: number;
  totalRows: number;
  collapsedRows: number;
  collapse: ToggleTiming[];
  expand: ToggleTiming[];
}

/** Page side: notes the click and watches for the armed state (see the header). */
const TOGGLE_PROBE = `(() => {
  const GRID = ${JSON.stringify(WATERFALL_GRID.grid)};
  const t = { armed: null };
  window.__tlToggle = t;
  const channel = new MessageChannel();
  channel.port1.onmessage = () => { const a = t.armed; if (a && a.paintedAt === null) a.paintedAt = performance.now(); };
  window.addEventListener('click', () => {
    const a = t.armed;
    if (a && a.clickAt === null) a.clickAt = performance.now();
  }, true);
  const rowAt = (g, i) => g.querySelector('[role="row"][aria-rowindex="' + i + '"]');
  const check = () => {
    const a = t.armed;
    if (!a || a.clickAt === null || a.domAt !== null) return;
    const g = document.querySelector(GRID);
    if (!g || Number(g.getAttribute('aria-rowcount')) !== a.rows) return;
    const row = rowAt(g, a.rowIndex);
    const button = row && row.querySelector('button[aria-label]');
    if (!button || button.getAttribute('aria-label') !== a.buttonLabel) return;
    const next = rowAt(g, a.rowIndex + 1);
    if (!next || Number(next.getAttribute('aria-level')) !== a.nextLevel) return;
    const box = g.getBoundingClientRect();
    const canvas = g.querySelector('[role="rowgroup"]') || g;
    let inView = 0;
    for (const el of canvas.children) {
      const r = el.getBoundingClientRect();
      if (r.height === 0 || r.bottom <= box.top || r.top >= box.bottom) continue;
      if (el.getAttribute('role') !== 'row') return;
      inView++;
    }
    a.domAt = performance.now();
    a.rowsInView = inView;
    a.nextLabel = next.getAttribute('aria-label');
    requestAnimationFrame(() => channel.port2.postMessage(0));
  };
  new MutationObserver(check).observe(document.body, {
    childList: true, subtree: true, attributes: true,
    attributeFilter: ['aria-label', 'aria-rowcount', 'aria-level', 'aria-rowindex', 'aria-expanded'],
  });
  t.arm = (spec) => {
    t.armed = Object.assign({}, spec, { clickAt: null, domAt: null, paintedAt: null, rowsInView: 0, nextLabel: null });
    window.__tlWsLog.length = 0;
  };
})()`;

const ARMED_STATE = `(() => {
  const a = window.__tlToggle.armed;
  return a && a.paintedAt !== null ? { armed: a, log: window.__tlWsLog.slice() } : null;
})()`;

interface ArmedState {
  armed: { clickAt: number; domAt: number; paintedAt: number; rowsInView: number; nextLabel: string | null };
  log: WsLogEntry[];
}

interface ToggleSpec {
  rows: number;
  rowIndex: number;
  buttonLabel: string;
  nextLevel: number;
}

async function toggle(page: Page, clickName: string, spec: ToggleSpec): Promise<ToggleTiming> {
  const timeoutMessage = `"${clickName}": the page did not reach the expected state within 30 s (${JSON.stringify(spec)})`;
  await page.evaluate(`window.__tlToggle.arm(${JSON.stringify(spec)})`);
  await page.getByRole('button', { name: clickName, exact: true }).click();
  const { armed, log } = await pollPage<ArmedState>(page, ARMED_STATE, 30_000, 10, timeoutMessage);
  const requests = log.filter((e) => e.kind === 'request' && e.method === 'getWaterfall' && e.t >= armed.clickAt && e.t <= armed.domAt);
  const first = requests[0];
  const answer = first ? log.find((e) => e.kind === 'response' && e.id === first.id) : undefined;
  return {
    domMs: armed.domAt - armed.clickAt,
    paintedMs: armed.paintedAt - armed.clickAt,
    requestMs: first ? first.t - armed.clickAt : null,
    rpcMs: first && answer ? answer.t - first.t : null,
    renderMs: answer ? armed.domAt - answer.t : null,
    requests: requests.length,
    responseBytes: answer?.bytes ?? null,
    rowsInView: armed.rowsInView,
    nextRowLabel: armed.nextLabel,
  };
}

export function runCollapseBench(options: CollapseBenchOptions): Promise<CollapseBenchResult> {
  const initScripts = [wsProbe('page', 5000), firstRowProbe(WATERFALL_GRID)];
  return withServedPage({ ...options, initScripts }, async ({ url, serverReadyMs, page }) => {
    const link = sessionLink(url, options.sourceId, options.sessionId);
    const opened = await openAndMeasure(page, link);

    const grid = page.getByRole('treegrid', { name: 'Waterfall' });
    const escaped = options.spanName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const row = grid.getByRole('row', { name: new RegExp(`^${escaped} \\(`) });
    await row.waitFor();
    const rowIndex = Number(await row.getAttribute('aria-rowindex'));
    const level = Number(await row.getAttribute('aria-level'));
    const totalRows = Number(await grid.getAttribute('aria-rowcount'));
    const collapsedRows = totalRows - options.descendants;
    await page.evaluate(TOGGLE_PROBE);
    // Let the first load settle (session summary, fonts) before the first click.
    await page.waitForTimeout(500);

    const collapse: ToggleTiming[] = [];
    const expand: ToggleTiming[] = [];
    for (let i = 0; i < options.repeats; i++) {
      collapse.push(
        await toggle(page, `Collapse ${options.spanName}`, { rows: collapsedRows, rowIndex, buttonLabel: `Expand ${options.spanName}`, nextLevel: level }),
      );
      await page.waitForTimeout(300);
      expand.push(
        await toggle(page, `Expand ${options.spanName}`, { rows: totalRows, rowIndex, buttonLabel: `Collapse ${options.spanName}`, nextLevel: level + 1 }),
      );
      await page.waitForTimeout(300);
    }
    return {
      url: redactToken(link),
      serverReadyMs,
      openMs: opened.paintedMs,
      rowIndex,
      level,
      totalRows,
      collapsedRows,
      collapse,
      expand,
    };
  });
}
