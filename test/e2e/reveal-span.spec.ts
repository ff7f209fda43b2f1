/**
 * A selected span whose row is not on screen is revealed: a deep link opened in a fresh page
 * scrolls to it, a span hidden under a collapsed parent gets its parent expanded, and the
 * keyboard carries on from the revealed row.
 */
import type { Locator, Page } from '@playwright/test';
import { compactConsoleSpan } from '../helpers/otel-console-span';
import { expect, startWebShell, test } from './web-shell-fixture';

/** The waterfall's selected row is wholly inside the treegrid's scrolled viewport. */
async function expectSelectedRowInView(page: Page): Promise<Locator> {
  const waterfall = page.getByRole('treegrid', { name: 'Waterfall' });
  const selected = waterfall.locator('[role="row"][aria-selected="true"]');
  await expect(selected).toHaveCount(1);
  await expect(selected).toBeInViewport();
  await expect
    .poll(async () => {
      const [row, grid] = await Promise.all([selected.boundingBox(), waterfall.boundingBox()]);
      return row !== null && grid !== null && row.y >= grid.y - 0.5 && row.y + row.height <= grid.y + grid.height + 0.5;
    })
    .toBe(true);
  return selected;
}

async function rowNameOf(row: Locator): Promise<string> {
  return ((await row.locator('.wf-row__label').textContent()) ?? '').trim();
}

/** Opens the demo session with the most spans; returns its waterfall and row count. */
async function openBiggestDemoSession(page: Page, url: string): Promise<{ waterfall: Locator; rowCount: number }> {
  await page.goto(url);
  const sessions = page.getByRole('grid', { name: 'Sessions' });
  await sessions.getByRole('button', { name: 'Spans', exact: true }).click();
  await expect(sessions.getByRole('columnheader', { name: 'Spans', exact: true })).toHaveAttribute('aria-sort', 'descending');
  // Wait for the re-sorted rows (the header flips before they arrive): the first has the most spans.
  const spansColumn = await sessions.getByRole('columnheader').evaluateAll((headers) => headers.findIndex((h) => h.textContent?.trim() === 'Spans'));
  const spansOf = () =>
    sessions.getByRole('row').evaluateAll(
      (rows, column) => rows.slice(1).map((row) => Number((row.querySelectorAll('[role="gridcell"]')[column]?.textContent ?? '').replace(/[^0-9.]/g, ''))),
      spansColumn,
    );
  await expect.poll(async () => {
    const spans = await spansOf();
    return spans.length > 1 && spans[0] > 40 && spans.every((n, i) => i === 0 || spans[i - 1] >= n);
  }).toBe(true);
  await sessions.getByRole('row').nth(1).click();
  const waterfall = page.getByRole('treegrid', { name: 'Waterfall' });
  await expect.poll(async () => Number(await waterfall.getAttribute('aria-rowcount'))).toBeGreaterThan(40);
  return { waterfall, rowCount: Number(await waterfall.getAttribute('aria-rowcount')) };
}

test('a deep link to a span far down a session reveals its row in a fresh page', async ({ page, shell }) => {
  const { waterfall, rowCount } = await openBiggestDemoSession(page, shell.url);
  await waterfall.focus();
  await page.keyboard.press('End');
  const last = await expectSelectedRowInView(page);
  await expect(last).toHaveAttribute('aria-rowindex', String(rowCount));
  const name = await rowNameOf(last);
  const detail = page.getByRole('complementary', { name: 'Span detail' });
  await expect(detail.getByRole('heading', { level: 2 })).toHaveText(name);
  const link = page.url();
  expect(link).toMatch(/#\/source\/s\d+\/session\/[^/]+\/span\/\d+$/);

  const fresh = await page.context().newPage();
  await fresh.goto(link);
  const selected = await expectSelectedRowInView(fresh);
  await expect(selected).toHaveAttribute('aria-rowindex', String(rowCount));
  expect(await rowNameOf(selected)).toBe(name);
  await expect(fresh.getByRole('complementary', { name: 'Span detail' }).getByRole('heading', { level: 2 })).toHaveText(name);

  // The keyboard carries on from the revealed row.
  await fresh.getByRole('treegrid', { name: 'Waterfall' }).focus();
  await fresh.keyboard.press('ArrowUp');
  await expect(await expectSelectedRowInView(fresh)).toHaveAttribute('aria-rowindex', String(rowCount - 1));
});

test('a deep link to a span under a collapsed parent expands the parent and reveals the span', async ({ page, shell }) => {
  const { waterfall, rowCount } = await openBiggestDemoSession(page, shell.url);
  await waterfall.focus();
  await page.keyboard.press('End');
  const name = await rowNameOf(await expectSelectedRowInView(page));
  const link = page.url();

  // Left goes to the parent (the last row is a leaf), left again collapses it; then select the first row.
  await page.keyboard.press('ArrowLeft');
  const parent = await expectSelectedRowInView(page);
  await page.keyboard.press('ArrowLeft');
  await expect(parent).toHaveAttribute('aria-expanded', 'false');
  await expect(page.getByRole('button', { name: 'Expand all' })).toBeVisible();
  await expect.poll(async () => Number(await waterfall.getAttribute('aria-rowcount'))).toBeLessThan(rowCount);
  await page.keyboard.press('Home');
  await expect(waterfall.locator('[role="row"][aria-selected="true"]')).toHaveAttribute('aria-rowindex', '1');
  expect(page.url()).not.toBe(link);

  // Following the link (same page, so the collapsed parent is still collapsed) reveals the span.
  await page.evaluate((hash) => {
    window.location.hash = hash;
  }, new URL(link).hash);
  const selected = await expectSelectedRowInView(page);
  await expect(selected).toHaveAttribute('aria-rowindex', String(rowCount));
  expect(await rowNameOf(selected)).toBe(name);
  await expect(waterfall).toHaveAttribute('aria-rowcount', String(rowCount));
  // Its parent (maybe scrolled away, as rows are virtualized) is expanded again.
  await expect(page.getByRole('button', { name: 'Expand all' })).toHaveCount(0);
  await expect(page.getByRole('complementary', { name: 'Span detail' }).getByRole('heading', { level: 2 })).toHaveText(name);
});

test('reveals a span beyond the first loaded window of a large session, even under a collapsed parent', async ({ page }) => {
  // agent_session > 30 steps > 20 tools each: 631 rows, far more than one window.
  const attributes = { 'kitelogik.session_id': 'big-run' };
  let text = compactConsoleSpan({ name: 'agent_session', traceId: 'bb', spanId: '1', startMs: 0, endMs: 100_000, attributes });
  for (let i = 0; i < 30; i++) {
    const stepId = (0x100 + i).toString(16);
    text += compactConsoleSpan({ name: `step ${i}`, traceId: 'bb', spanId: stepId, parentId: '1', startMs: i * 3000, endMs: i * 3000 + 2900, attributes });
    for (let j = 0; j < 20; j++) {
      const toolId = (0x10000 + i * 20 + j).toString(16);
      text += compactConsoleSpan({ name: `tool ${i}.${j}`, traceId: 'bb', spanId: toolId, parentId: stepId, startMs: i * 3000 + j * 140, endMs: i * 3000 + j * 140 + 100, attributes });
    }
  }
  const shell = await startWebShell([{ name: 'big.jsonl', text }]);
  try {
    await page.goto(shell.url);
    await page.getByRole('grid', { name: 'Sessions' }).getByRole('row', { name: /big-run/ }).click();
    const waterfall = page.getByRole('treegrid', { name: 'Waterfall' });
    await expect(waterfall).toHaveAttribute('aria-rowcount', '631');
    await waterfall.focus();
    await page.keyboard.press('End');
    const last = await expectSelectedRowInView(page);
    expect(await rowNameOf(last)).toBe('tool 29.19');
    const link = page.url();

    const fresh = await page.context().newPage();
    await fresh.goto(link);
    const selected = await expectSelectedRowInView(fresh);
    await expect(selected).toHaveAttribute('aria-rowindex', '631');
    expect(await rowNameOf(selected)).toBe('tool 29.19');
    await expect(fresh.getByRole('complementary', { name: 'Span detail' }).getByRole('heading', { level: 2 })).toHaveText('tool 29.19');
    await fresh.close();

    // Collapse "step 29", go back to the top, then follow the link again in this page.
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect(waterfall).toHaveAttribute('aria-rowcount', '611');
    await page.keyboard.press('Home');
    await expect(waterfall.getByRole('row', { name: /^agent_session/ })).toBeInViewport();
    await page.evaluate((hash) => {
      window.location.hash = hash;
    }, new URL(link).hash);
    await expect(waterfall).toHaveAttribute('aria-rowcount', '631');
    const revealed = await expectSelectedRowInView(page);
    await expect(revealed).toHaveAttribute('aria-rowindex', '631');
    expect(await rowNameOf(revealed)).toBe('tool 29.19');
  } finally {
    await shell.stop();
  }
});
