/**
 * Following a file while an agent writes it, bad records shown with line and reason, and the
 * web shell refusing requests without its token.
 */
import { appendFileSync } from 'node:fs';
import { request as playwrightRequest } from '@playwright/test';
import { compactConsoleSpan, prettyConsoleSpan } from '../helpers/otel-console-span';
import { expect, startWebShell, test } from './web-shell-fixture';

test('shows spans appended to a watched file as they are written', async ({ page }) => {
  const shell = await startWebShell([{ name: 'live.jsonl', text: '' }]);
  try {
    await page.goto(shell.url);
    const source = page.getByRole('list', { name: 'Sources' }).getByRole('listitem', { name: 'live.jsonl' });
    await expect(source).toContainText('0 spans');

    const file = shell.files[0];
    const attributes = { 'kitelogik.session_id': 'live-run' };
    appendFileSync(file, prettyConsoleSpan({ name: 'chat gpt-4o', traceId: 'aa', spanId: '2', parentId: '1', startMs: 10, endMs: 900, attributes: { ...attributes, 'gen_ai.operation.name': 'chat' } }));
    await expect(source).toContainText('1 spans');
    await page.getByRole('grid', { name: 'Sessions' }).getByRole('row', { name: /live-run/ }).click();
    const waterfall = page.getByRole('treegrid', { name: 'Waterfall' });
    await expect(waterfall.getByRole('row', { name: /^chat gpt-4o \(llm, .*parent missing/ })).toBeVisible();

    // The parent arrives (spans are written when they end) and adopts its child.
    appendFileSync(file, prettyConsoleSpan({ name: 'agent_session', traceId: 'aa', spanId: '1', startMs: 0, endMs: 2000, attributes }));
    await expect(source).toContainText('2 spans');
    await expect(waterfall.getByRole('row', { name: /^agent_session \(agent/ })).toBeVisible();
    await expect(waterfall.getByRole('row', { name: /^chat gpt-4o \(llm, 890 ms\)$/ })).toBeVisible();

    for (let i = 0; i < 5; i++) {
      appendFileSync(file, compactConsoleSpan({ name: `step ${i}`, traceId: 'aa', spanId: `${10 + i}`, parentId: '1', startMs: 1000 + i * 100, endMs: 1050 + i * 100, attributes }));
    }
    await expect(source).toContainText('7 spans');
    await expect(waterfall.getByRole('row')).toHaveCount(7);
  } finally {
    await shell.stop();
  }
});

test('lists unreadable records with line, offset and reason, and still shows the good ones', async ({ page }) => {
  const good = compactConsoleSpan({ name: 'fine', traceId: 'bb', spanId: '1', startMs: 0, attributes: { 'session.id': 'ok-session' } });
  const shell = await startWebShell([{ name: 'mixed.jsonl', text: `${good}$ python agent.py\n{"name": "cut", "context": \n${good.replace('"0x0000000000000001"', '"0x0000000000000002"')}` }]);
  try {
    await page.goto(shell.url);
    const source = page.getByRole('list', { name: 'Sources' }).getByRole('listitem', { name: 'mixed.jsonl' });
    await expect(source).toContainText('2 spans');
    await source.getByRole('button', { name: '2 errors' }).click();
    const errors = page.getByRole('region', { name: 'Errors in mixed.jsonl' });
    await expect(errors).toContainText(`line 2, offset ${Buffer.byteLength(good)}`);
    await expect(errors).toContainText('not JSON');
    await expect(errors).toContainText(`line 3, offset ${Buffer.byteLength(`${good}$ python agent.py\n`)}`);
    await expect(errors).toContainText('incomplete JSON record');
    await page.screenshot({ path: 'test-results/screenshots/5-errors.png' });
    await expect(page.getByRole('grid', { name: 'Sessions' }).getByRole('row', { name: /ok-session/ })).toBeVisible();
  } finally {
    await shell.stop();
  }
});

test('the web shell refuses requests without its token', async ({ shell }) => {
  const origin = new URL(shell.url).origin;
  const anonymous = await playwrightRequest.newContext();
  try {
    expect((await anonymous.get(`${origin}/`)).status()).toBe(403);
    expect((await anonymous.get(`${origin}/?token=wrong-token-0123456789`)).status()).toBe(403);
    expect((await anonymous.get(shell.url)).status()).toBe(200);
  } finally {
    await anonymous.dispose();
  }
});
