/**
 * Live append in the page: the web shell (`tracelight serve`, another process) follows a file
 * while headless Chromium shows its live session's waterfall; this process appends one span
 * at a time and measures, per span, the time from its write until its row (role=row named
 * "live_append_NNNN (…)") is in the waterfall — a MutationObserver in the page notes the
 * moment, so no polling granularity is added — and until the frame showing it was produced.
 *
 * The page's clock (performance.timeOrigin + now) is put on this process's clock with the
 * best of 20 evaluate round trips (offset = page time − midpoint of the round trip). A probe
 * installed before the page's scripts wraps its WebSocket and notes when the spansAppended
 * event arrived, when the page asked for the waterfall window after it and when the answer
 * came, which splits the latency into engine+server, the page's event coalescing, the RPC and
 * React's render.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page } from '@playwright/test';
import { LIVE_SESSION_ID, liveSeedText, liveSpanLine, liveSpanName } from './live-span';
import { wsProbe, type WsLogEntry } from './rpc-probes';
import { redactToken, withServedPage, type ServedFileOptions } from './web-shell';

export interface LivePageBenchOptions extends Pick<ServedFileOptions, 'cliPath' | 'log'> {
  /** A fresh folder: holds the live file (in a folder of its own) and the cache. */
  dir: string;
  appends: number;
  warmups: number;
  /** Pause after a row appeared before the next append (keeps appends > chokidar's 50 ms apart). */
  pauseMs: number;
}

export interface LivePageSpan {
  seq: number;
  /** Write → the row is in the waterfall's DOM (MutationObserver). */
  rowMs: number;
  /** Write → the frame showing it was produced (rAF, then a message). */
  paintedMs: number;
  /** Write → the page received the spansAppended event. */
  eventMs: number;
  /** Write → the page sent the getWaterfall request that followed the event. */
  requestMs: number;
  /** Write → that request's answer arrived. */
  responseMs: number;
  /** Rows of the live session when the span was appended (the seed root + earlier appends). */
  rowsBefore: number;
}

export interface LivePageBenchResult {
  url: string;
  clockOffsetMs: number;
  clockRttMs: number;
  clockOffsetDriftMs: number;
  appends: number;
  timeouts: number;
  warmup: LivePageSpan[];
  spans: LivePageSpan[];
}

/** Page side: watches the waterfall for the row of the span armed last. */
const ROW_PROBE = `(() => {
  const grid = () => document.querySelector('[role="treegrid"][aria-label="Waterfall"]');
  const now = () => performance.timeOrigin + performance.now();
  const live = { want: null, rowAt: null, paintedAt: null, label: null };
  const channel = new MessageChannel();
  channel.port1.onmessage = () => { if (live.paintedAt === null) live.paintedAt = now(); };
  const check = () => {
    if (live.want === null || live.rowAt !== null) return;
    const g = grid();
    if (!g) return;
    const prefix = live.want + ' (';
    for (const row of g.querySelectorAll('[role="row"]')) {
      const label = row.getAttribute('aria-label');
      if (label && label.startsWith(prefix)) {
        live.rowAt = now();
        live.label = label;
        // Posted from the next rAF: delivered once that frame has been produced.
        requestAnimationFrame(() => channel.port2.postMessage(0));
        return;
      }
    }
  };
  new MutationObserver(check).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-label'] });
  // Scrolls to the last row (new rows come last), lets two frames settle, then arms.
  live.arm = (name) => new Promise((resolve) => {
    live.want = null;
    const g = grid();
    if (g) g.scrollTop = g.scrollHeight;
    requestAnimationFrame(() => requestAnimationFrame(() => {
      const rows = g ? Number(g.getAttribute('aria-rowcount')) : NaN;
      live.rowAt = null;
      live.paintedAt = null;
      live.label = null;
      window.__tlWsLog.length = 0;
      live.want = name;
      check();
      resolve(rows);
    }));
  });
  live.state = () => ({ rowAt: live.rowAt, paintedAt: live.paintedAt, label: live.label, log: window.__tlWsLog.slice() });
  window.__tlLive = live;
})()`;

const PAGE_NOW = 'performance.timeOrigin + performance.now()';
const nodeNow = () => performance.timeOrigin + performance.now();

/** Offset of the page's clock from this process's, from the round trip with the least delay. */
async function calibrateClock(page: Page): Promise<{ offsetMs: number; rttMs: number }> {
  let best = { offsetMs: 0, rttMs: Infinity };
  for (let i = 0; i < 20; i++) {
    const t0 = nodeNow();
    const pageTime = (await page.evaluate(PAGE_NOW)) as number;
    const t1 = nodeNow();
    if (t1 - t0 < best.rttMs) best = { offsetMs: pageTime - (t0 + t1) / 2, rttMs: t1 - t0 };
  }
  return best;
}

export async function runLivePageBench(options: LivePageBenchOptions): Promise<LivePageBenchResult> {
  const fileDir = join(options.dir, 'live');
  mkdirSync(fileDir, { recursive: true });
  const file = join(fileDir, 'live-page.jsonl');
  const startUs = Date.now() * 1000;
  writeFileSync(file, liveSeedText(startUs));

  const served = { ...options, file, cacheDir: join(options.dir, 'cache'), initScripts: [wsProbe('epoch', 2000)], indexTimeoutMs: 60_000 };
  return withServedPage(served, async ({ url, page }) => {
    await page.goto(url);

    // Select the live session in the sessions grid, as a user would.
    const sessionRow = page.getByRole('grid', { name: 'Sessions' }).getByRole('row').filter({ hasText: LIVE_SESSION_ID });
    await sessionRow.first().click({ timeout: 30_000 });
    const waterfall = page.getByRole('treegrid', { name: 'Waterfall' });
    await waterfall.getByRole('row', { name: /^agent_session / }).first().waitFor({ timeout: 30_000 });
    await page.evaluate(ROW_PROBE);

    const clock = await calibrateClock(page);
    const measureOne = async (seq: number): Promise<LivePageSpan> => {
      const line = liveSpanLine(seq, startUs);
      const rowsBefore = (await page.evaluate(`window.__tlLive.arm(${JSON.stringify(liveSpanName(seq))})`)) as number;
      const writtenAt = nodeNow();
      appendFileSync(file, line);
      const deadline = writtenAt + 5_000;
      let state: { rowAt: number | null; paintedAt: number | null; log: WsLogEntry[] };
      for (;;) {
        state = (await page.evaluate('window.__tlLive.state()')) as typeof state;
        if (state.paintedAt !== null || nodeNow() > deadline) break;
        await sleep(5);
      }
      const since = (pageTime: number | null | undefined) => (pageTime === null || pageTime === undefined ? NaN : pageTime - clock.offsetMs - writtenAt);
      const event = state.log.find((e) => e.kind === 'event' && e.name === 'spansAppended');
      const request = event ? state.log.find((e) => e.kind === 'request' && e.method === 'getWaterfall' && e.t >= event.t) : undefined;
      const response = request ? state.log.find((e) => e.kind === 'response' && e.id === request.id) : undefined;
      return {
        seq,
        rowMs: since(state.rowAt),
        paintedMs: since(state.paintedAt),
        eventMs: since(event?.t),
        requestMs: since(request?.t),
        responseMs: since(response?.t),
        rowsBefore,
      };
    };

    const warmup: LivePageSpan[] = [];
    const spans: LivePageSpan[] = [];
    for (let i = 0; i < options.warmups + options.appends; i++) {
      const span = await measureOne(i);
      (i < options.warmups ? warmup : spans).push(span);
      await sleep(options.pauseMs);
    }
    const after = await calibrateClock(page);
    return {
      url: redactToken(url),
      clockOffsetMs: clock.offsetMs,
      clockRttMs: clock.rttMs,
      clockOffsetDriftMs: after.offsetMs - clock.offsetMs,
      appends: options.appends,
      timeouts: spans.filter((s) => !Number.isFinite(s.rowMs)).length,
      warmup,
      spans,
    };
  });
}
