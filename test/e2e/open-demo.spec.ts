/**
 * A user's first run: open the bundled demo in the app, pick a session, read its waterfall,
 * fold and unfold it, and inspect a policy gate span. Screenshots land in
 * test-results/screenshots for a person to look at.
 */
import { mkdirSync } from 'node:fs';
import { expect, test } from './web-shell-fixture';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

test('opens the demo: sources, sessions, waterfall, collapse and expand, span attributes', async ({ page, shell }) => {
  await page.goto(shell.url);

  const sources = page.getByRole('list', { name: 'Sources' });
  await expect(sources.getByRole('listitem', { name: 'agent-traces.jsonl' })).toContainText('329 spans');
  await expect(sources.getByRole('listitem', { name: 'collector-export.jsonl' })).toContainText('81 spans');
  await expect(sources.getByRole('listitem', { name: 'agent-traces.jsonl' })).toContainText('otel-console');

  const sessions = page.getByRole('grid', { name: 'Sessions' });
  const session = sessions.getByRole('row', { name: /sess_0b9e55f2/ });
  await expect(session).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/1-sessions.png` });
  await session.click();

  const waterfall = page.getByRole('treegrid', { name: 'Waterfall' });
  const root = waterfall.getByRole('row', { name: /^agent_session \(agent/ });
  await expect(root).toBeVisible();
  const rows = waterfall.getByRole('row');
  await expect.poll(() => rows.count()).toBeGreaterThan(10);
  await expect(waterfall.getByRole('row', { name: /^policy_gate\.evaluate \(policy, .*decision/ }).first()).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/2-waterfall.png` });

  await waterfall.getByRole('button', { name: 'Collapse agent_session' }).click();
  await expect(rows).toHaveCount(1);
  await waterfall.getByRole('button', { name: 'Expand agent_session' }).click();
  await expect.poll(() => rows.count()).toBeGreaterThan(10);

  await waterfall.getByRole('row', { name: /^policy_gate\.evaluate \(policy, .*decision deny/ }).first().click();
  const detail = page.getByRole('complementary', { name: 'Span detail' });
  const attributes = detail.getByRole('table', { name: 'Attributes' });
  await expect(attributes).toContainText('kitelogik.policy.deny');
  await expect(attributes).toContainText('kitelogik.policy.risk_tier');
  await expect(detail.getByRole('list', { name: 'Derived fields' })).toContainText('decision ← kitelogik.policy.deny');
  await expect(detail).toContainText('"name": "policy_gate.evaluate"');
  await page.screenshot({ path: `${SHOTS}/3-span-detail.png` });
});

test('opens an OTLP session with its LLM span and token counts', async ({ page, shell }) => {
  await page.goto(shell.url);
  const sessions = page.getByRole('grid', { name: 'Sessions' });
  const session = sessions.getByRole('row', { name: /web-41aa9d07/ });
  await expect(session).toContainText('4.39k');
  await session.click();
  const waterfall = page.getByRole('treegrid', { name: 'Waterfall' });
  const llm = waterfall.getByRole('row', { name: /\(llm, / }).first();
  await expect(llm).toBeVisible();
  await llm.click();
  const detail = page.getByRole('complementary', { name: 'Span detail' });
  await expect(detail.getByRole('list', { name: 'Derived fields' })).toContainText('model ← llm.model_name');
  await expect(detail).toContainText('otlp-json');
  await page.screenshot({ path: `${SHOTS}/4-otlp-span.png` });
});

test('restores a deep link to a session and a span', async ({ page, shell }) => {
  await page.goto(shell.url);
  const sessions = page.getByRole('grid', { name: 'Sessions' });
  await sessions.getByRole('row', { name: /sess_c41d09e7/ }).click();
  const waterfall = page.getByRole('treegrid', { name: 'Waterfall' });
  await waterfall.getByRole('row', { name: /^chat / }).first().click();
  await expect(page.getByRole('complementary', { name: 'Span detail' })).toBeVisible();
  const link = page.url();
  expect(link).toMatch(/#\/source\/s\d+\/session\/sess_c41d09e7\/span\/\d+$/);

  const fresh = await page.context().newPage();
  await fresh.goto(link);
  await expect(fresh.getByRole('treegrid', { name: 'Waterfall' }).getByRole('row', { name: /^agent_session/ })).toBeVisible();
  await expect(fresh.getByRole('complementary', { name: 'Span detail' }).getByRole('table', { name: 'Attributes' })).toContainText('gen_ai.request.model');
});

test('sorts sessions by human reviews', async ({ page, shell }) => {
  await page.goto(shell.url);
  const sessions = page.getByRole('grid', { name: 'Sessions' });
  const header = sessions.getByRole('columnheader', { name: 'Human reviews' });
  const reviewsOf = async () =>
    (await sessions.getByRole('row').evaluateAll((rows) => rows.slice(1).map((row) => row.querySelectorAll('[role="gridcell"]')[7]?.textContent ?? ''))).map(Number);
  await header.getByRole('button').click();
  await expect(header).toHaveAttribute('aria-sort', 'descending');
  await expect.poll(async () => (await reviewsOf())[0]).toBeGreaterThan(0);
  const descending = await reviewsOf();
  expect(descending).toEqual([...descending].sort((a, b) => b - a));
  await header.getByRole('button').click();
  await expect(header).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(async () => (await reviewsOf())[0]).toBe(Math.min(...descending));
});
