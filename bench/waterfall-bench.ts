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
 * The page-side probes and the scroll measurement (bench/frame-probes.ts) are functions of a
 * GridTarget, so the sessions table (bench/sessions-bench.ts) is measured the same way.
 */
import { firstRowProbe, hoverMiddle, loadColdThenWarm, measureGridScroll, WATERFALL_GRID, type GridScroll } from './frame-probes';
import type { RpcCall } from './rpc-probes';
import { jsHeapAfterGcMb, redactToken, sessionLink, withServedPage, type ServedFileOptions } from './web-shell';

export interface WaterfallBenchOptions extends ServedFileOptions {
  sourceId: string;
  sessionId: string;
  wheelEvents: number;
  wheelDeltaPx: number;
}

export interface WaterfallBenchResult extends GridScroll {
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
  jsHeapMb: number;
}

export function runWaterfallBench(options: WaterfallBenchOptions): Promise<WaterfallBenchResult> {
  return withServedPage({ ...options, initScripts: [firstRowProbe(WATERFALL_GRID)] }, async ({ url, serverReadyMs, context, page }) => {
    const link = sessionLink(url, options.sourceId, options.sessionId);
    // Cold: fresh browser, and the engine has not built this session's tree yet.
    const { cold, coldRpc, warm } = await loadColdThenWarm(page, link);

    const grid = page.getByRole('treegrid', { name: 'Waterfall' });
    await grid.getByRole('row').first().waitFor();
    const totalRows = Number(await grid.getAttribute('aria-rowcount'));
    await hoverMiddle(page, (await grid.boundingBox())!);

    // Idle cadence, mouse wheel, scrollTop steps, jump to the middle.
    const { idleFrameMs, wheel, scrollTop, jumpToMiddleMs } = await measureGridScroll(page, WATERFALL_GRID, options);

    return {
      url: redactToken(link),
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
      jsHeapMb: await jsHeapAfterGcMb(context, page),
    };
  });
}
