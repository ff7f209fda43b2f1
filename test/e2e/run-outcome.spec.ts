/**
 * Typed agent runs show their worst outcome and their tags: in the sessions table (an
 * "Outcome" badge and tag chips, and the filter box finds sessions by tag) and in the
 * waterfall's session header. A screenshot lands in test-results/screenshots.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator } from '@playwright/test';
import { expect, startWebShell, test } from './web-shell-fixture';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

const FIXTURE = path.join(__dirname, '../fixtures/typed-agent/prod-multi-turn.jsonl');

/** More typed runs beside the fixture: one cut short with many tags, one that completed, one without a run status. */
const run = (id: string, status: string | null, tags: string[], minute: number) =>
  JSON.stringify({
    trace_run: { datapoint_id: id, phase: 'prod', run_id: 'my-agent', model_name: 'gpt-4o-mini' },
    trace_id: `trc_${id}`,
    start_time: `2026-05-11T10:${String(minute).padStart(2, '0')}:00Z`,
    end_time: `2026-05-11T10:${String(minute).padStart(2, '0')}:04Z`,
    ...(status ? { status } : {}),
    tags,
  });
const MORE_RUNS = [
  run('sess-long', 'TRUNCATED', ['api_v2', 'experiment_recall_boost', 'region_eu_west_1', 'cohort_2026_q2', 'canary'], 1),
  run('sess-ok', 'COMPLETED', ['api_v1'], 2),
].join('\n') + '\n';

/** The cell of `row` under the column headed `label`. */
async function cellOf(grid: Locator, row: Locator, label: string): Promise<Locator> {
  const index = await grid.getByRole('columnheader').evaluateAll((headers, name) => headers.findIndex((h) => h.textContent?.trim() === name), label);
  expect(index, `column "${label}"`).toBeGreaterThanOrEqual(0);
  return row.getByRole('gridcell').nth(index);
}

test('run outcome and tags in the sessions table, the filter box and the waterfall header', async ({ page }) => {
  const shell = await startWebShell([{ copyOf: FIXTURE }, { name: 'more-runs.jsonl', text: MORE_RUNS }]);
  try {
    await page.goto(shell.url);
    const grid = page.getByRole('grid', { name: 'Sessions' });
    const row = grid.getByRole('row', { name: /sess-7/ });
    await expect(row).toBeVisible();

    const outcome = await cellOf(grid, row, 'Outcome');
    await expect(outcome).toHaveText('error');
    const tags = await cellOf(grid, row, 'Tags');
    await expect(tags.locator('.tag-chip')).toHaveText(['api_v2', 'premium_tier']);
    await expect(tags.getByTitle('api_v2, premium_tier')).toBeVisible();
    // Readable as text: the row's accessible name carries the outcome and the tags.
    await expect(row).toHaveAccessibleName(/sess-7.*error.*api_v2 premium_tier/);

    // The other outcomes, and an explanation for a truncated run.
    const longRow = grid.getByRole('row', { name: /sess-long/ });
    const truncated = (await cellOf(grid, longRow, 'Outcome')).getByText('truncated', { exact: true });
    await expect(truncated).toHaveAttribute('title', 'the run finished but was cut short');
    await expect(await cellOf(grid, grid.getByRole('row', { name: /sess-ok/ }), 'Outcome')).toHaveText('completed');
    // Many tags (the engine sorts them) stay on one line, clipped, with the whole list in the tooltip.
    const longTags = await cellOf(grid, longRow, 'Tags');
    await expect(longTags.getByTitle('api_v2, canary, cohort_2026_q2, experiment_recall_boost, region_eu_west_1')).toBeVisible();
    const [cellBox, rowBox] = await Promise.all([longTags.boundingBox(), longRow.boundingBox()]);
    expect(cellBox!.height).toBeLessThanOrEqual(rowBox!.height);
    expect(await longTags.locator('.tag-chips').evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);

    // Every row's cells line up under the headers.
    const headerLeft = await grid.getByRole('columnheader', { name: 'Tags' }).evaluate((el) => Math.round(el.getBoundingClientRect().left));
    for (const r of [row, longRow]) {
      expect(await (await cellOf(grid, r, 'Tags')).evaluate((el) => Math.round(el.getBoundingClientRect().left))).toBe(headerLeft);
    }

    await page.screenshot({ path: `${SHOTS}/run-outcome.png` });

    // The filter box searches tags.
    const filter = page.getByRole('searchbox', { name: 'Filter sessions' });
    await expect(filter).toHaveAttribute('placeholder', /tag/);
    await filter.fill('premium');
    await expect(row).toBeVisible();
    await expect(grid.getByRole('row', { name: /sess-long/ })).toHaveCount(0);
    await expect(grid.getByRole('row')).toHaveCount(2);
    await filter.fill('region_eu');
    await expect(grid.getByRole('row', { name: /sess-long/ })).toBeVisible();
    await expect(row).toHaveCount(0);
    await filter.fill('premium');

    // The waterfall header shows the outcome and the tags.
    await row.click();
    const header = page.getByRole('region', { name: 'Session waterfall' }).locator('header');
    await expect(header.locator('.outcome-badge')).toHaveText('error');
    await expect(header.locator('.tag-chip')).toHaveText(['api_v2', 'premium_tier']);
    await expect(header.locator('.tag-chip').first()).toBeVisible();
    await page.screenshot({ path: `${SHOTS}/run-outcome-waterfall.png` });
  } finally {
    await shell.stop();
  }
});
