/**
 * A typed-span session read as one conversation: the "Conversation" tab beside the waterfall
 * lists its messages in start order (tool calls, tool results, a failed tool flagged, grader
 * messages set apart), draws only embedded images, and clicking a message selects its span
 * (span detail, and the waterfall when shown). The session header shows the runs' merged
 * meta, the sessions filter finds it by a meta value, and a Grade's criteria appear as rows.
 * Screenshots land in test-results/screenshots.
 */
import { mkdirSync } from 'node:fs';
import { expect, startWebShell, test } from './web-shell-fixture';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAALklEQVR42mNwmPAADT1wcEBDxKhhGDWIjgaRpw1TzahB9DRoNGWP5rVRg+hiEADPrnIutfhp7gAAAABJRU5ErkJggg==';
const HOSTED = 'caribou-image://i/9';

const t = (s: number) => `2026-05-11T08:00:${String(s).padStart(2, '0')}Z`;
// Written out of order on purpose: the conversation follows start times.
const lines = [
  { span_kind: 'trace_run', trace_id: 'trc_c', datapoint_id: 'dp-chat', phase: 'prod', run_id: 'support-bot', start_time: t(0), end_time: t(30), status: 'COMPLETED', meta: { customer_id: 'cust_123', plan: 'basic' }, tags: ['api_v2'] },
  { trace_id: 'trc_c', span_id: 'a1', span_name: 'message.assistant', start_time: t(3), duration_ms: 1200, role: 'assistant', model: 'gpt-4o', content: 'Let me look that up.', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup_order', arguments: '{"order":"ORD-1"}' } }] },
  { trace_id: 'trc_c', span_id: 's1', span_name: 'message.system', start_time: t(1), role: 'system', content: 'You are a support agent. Be brief.' },
  { trace_id: 'trc_c', span_id: 'u1', span_name: 'message.user', start_time: t(2), role: 'user', content: [{ type: 'text', text: 'Where is my order <b>ORD-1</b>? Photo of the label:' }, { type: 'image_url', image_url: { url: PNG } }, { type: 'image_url', image_url: HOSTED }] },
  { trace_id: 'trc_c', span_id: 't1', parent_span_id: 'a1', span_kind: 'tool', span_name: 'tool.lookup_order', start_time: t(5), duration_ms: 300, name: 'lookup_order', call_id: 'call_1', arguments: { order: 'ORD-1' }, result: '{"status":"shipped","eta":"2026-05-13"}' },
  { trace_id: 'trc_c', span_id: 't2', span_kind: 'tool', span_name: 'tool.notify', start_time: t(6), name: 'notify', call_id: 'call_9', arguments: { channel: 'email' }, error: 'mail server down', requestor: 'system' },
  { trace_id: 'trc_c', span_id: 'a2', span_name: 'message.assistant', start_time: t(7), duration_ms: 800, role: 'assistant', model: 'gpt-4o', content: 'It has shipped and should arrive on May 13.' },
  { trace_id: 'trc_c', span_id: 'j1', span_name: 'grader.helpfulness', start_time: t(9), duration_ms: 500, role: 'assistant', grader_name: 'helpfulness', content: 'Score: 0.9 — answered with the ETA.', model: 'gpt-4o-mini' },
  { trace_id: 'trc_c', span_id: 'g1', span_name: 'grader.RubricGrader', start_time: t(10), score: 0.5, grader_type: 'RubricGrader', criteria: [{ name: 'polite', passed: true, score: 1 }, { name: 'resolved', passed: false, score: 0 }] },
  // A second turn of the same conversation, with newer meta.
  { trace_run: { datapoint_id: 'dp-chat', phase: 'prod', run_id: 'support-bot', step: 2 }, trace_id: 'trc_c', start_time: t(20), end_time: t(29), status: 'COMPLETED', meta: { plan: 'premium' } },
  { trace_id: 'trc_c', span_id: 'u2', span_name: 'message.user', start_time: t(21), role: 'user', content: 'Thanks!' },
];

test('reads a typed session as one conversation and selects spans from it', async ({ page }) => {
  const shell = await startWebShell([{ name: 'support.jsonl', text: `${lines.map((l) => JSON.stringify(l)).join('\n')}\n` }]);
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  try {
    await page.goto(shell.url);
    const sessions = page.getByRole('grid', { name: 'Sessions' });
    // The filter finds the session by a value of its merged meta.
    const filter = page.getByRole('searchbox', { name: 'Filter sessions' });
    await filter.fill('premium');
    const row = sessions.getByRole('row', { name: /dp-chat/ });
    await expect(row).toBeVisible();
    await row.click();

    // The waterfall: the merged meta in its header (the later turn's plan wins), the Grade's criteria as rows.
    const waterfallHeader = page.getByRole('region', { name: 'Session waterfall' }).locator('header');
    await expect(waterfallHeader.locator('.meta-chip')).toHaveText(['customer_id: cust_123', 'plan: premium']);
    const tree = page.getByRole('treegrid', { name: 'Waterfall' });
    await expect(tree.getByRole('row', { name: /^grader\.criterion .*from its grade's criteria/ })).toHaveCount(2);
    await expect(tree.getByText('from criteria')).toHaveCount(2);

    // The conversation tab.
    const tabs = page.getByRole('tablist', { name: 'Session views' });
    await expect(tabs.getByRole('tab', { name: 'Waterfall' })).toHaveAttribute('aria-selected', 'true');
    await tabs.getByRole('tab', { name: 'Conversation' }).click();
    await expect(tabs.getByRole('tab', { name: 'Conversation' })).toHaveAttribute('aria-selected', 'true');
    const view = page.getByRole('region', { name: 'Session conversation' });
    const messages = view.getByRole('list', { name: 'Conversation' }).getByRole('listitem');
    await expect(messages).toHaveCount(9);
    await expect
      .poll(() => messages.evaluateAll((items) => items.map((item) => item.getAttribute('aria-label'))))
      .toEqual([
        'system message',
        'user message',
        'assistant message',
        'tool message lookup_order',
        'assistant message',
        'tool message notify, error',
        'assistant message',
        'assistant message helpfulness, grader',
        'user message',
      ]);
    await expect(messages.nth(2)).toContainText('lookup_order');
    await expect(messages.nth(2)).toContainText('"order": "ORD-1"');
    await expect(messages.nth(3)).toContainText('"status": "shipped"');
    await expect(messages.nth(5)).toContainText('mail server down');
    await expect(messages.nth(7)).toContainText('grader');

    // Text stays text; only the embedded image is drawn, the hosted one is a placeholder with its URL.
    const user = messages.nth(1);
    await expect(user).toContainText('Where is my order <b>ORD-1</b>?');
    await expect(user.locator('b')).toHaveCount(0);
    await expect(user.locator('img')).toHaveAttribute('src', PNG);
    await expect(user.getByRole('note', { name: 'Image not shown' })).toContainText(HOSTED);
    await expect(view.locator('header .meta-chip')).toHaveText(['customer_id: cust_123', 'plan: premium']);
    await page.screenshot({ path: `${SHOTS}/trace-conversation.png` });

    // Clicking a message selects its span: span detail opens on it.
    await messages.nth(6).click();
    await expect(messages.nth(6)).toHaveAttribute('aria-current', 'true');
    const detail = page.getByRole('complementary', { name: 'Span detail' });
    await expect(detail.getByRole('heading', { level: 2 })).toHaveText('message.assistant');
    await expect(detail).toContainText('It has shipped');
    await page.screenshot({ path: `${SHOTS}/trace-conversation-selected.png` });

    // "Show in waterfall": the waterfall, with the tool's row selected.
    await messages.nth(3).getByRole('button', { name: 'Show in waterfall' }).click();
    await expect(tabs.getByRole('tab', { name: 'Waterfall' })).toHaveAttribute('aria-selected', 'true');
    await expect(tree.locator('[role="row"][aria-selected="true"]')).toHaveAccessibleName(/^tool\.lookup_order /);
    await expect(detail.getByRole('heading', { level: 2 })).toHaveText('tool.lookup_order');
    await page.screenshot({ path: `${SHOTS}/trace-conversation-waterfall.png` });

    expect(requests.filter((url) => !/^(http:\/\/127\.0\.0\.1:\d+|ws:|data:)/.test(url))).toEqual([]);
  } finally {
    await shell.stop();
  }
});
