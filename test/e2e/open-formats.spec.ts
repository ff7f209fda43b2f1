/**
 * Opening trace files of each format through the app like a user: the sidebar names the
 * detected format and counts the spans, a session opens with its waterfall tree, and an LLM
 * span's Conversation section shows what was said (text, tool calls, tool results, image
 * placeholders). The expectations are read from the fixture files (test/fixtures/README.md).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, OTLP_DEMO_FILE, startWebShell, test, type WebShell } from './web-shell-fixture';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });
const FIXTURES = resolve(__dirname, '../fixtures');

/** Serves copies of `files` for one test and opens the app. */
async function openFiles(page: Page, files: string[]): Promise<WebShell & { stop: () => Promise<void> }> {
  const shell = await startWebShell(files.map((copyOf) => ({ copyOf })));
  await page.goto(shell.url);
  return shell;
}

const sourceItem = (page: Page, fileName: string) => page.getByRole('list', { name: 'Sources' }).getByRole('listitem', { name: fileName });
const sessionRow = (page: Page, name: RegExp) => page.getByRole('grid', { name: 'Sessions' }).getByRole('row', { name });
const waterfall = (page: Page) => page.getByRole('treegrid', { name: 'Waterfall' });
const detail = (page: Page) => page.getByRole('complementary', { name: 'Span detail' });
const conversation = (page: Page) => detail(page).getByRole('region', { name: 'Conversation' });

test('opens a Jaeger query-API file: format, counts, and its span tree', async ({ page }) => {
  const shell = await openFiles(page, [join(FIXTURES, 'jaeger/query-api.json')]);
  try {
    const source = sourceItem(page, 'query-api.json');
    await expect(source).toContainText('jaeger');
    await expect(source).toContainText('4 spans');
    await expect(source).toContainText('1 trace');

    await sessionRow(page, /4bf92f3577b34da6a3ce929d0e0e4736/).click();
    const tree = waterfall(page);
    const root = tree.getByRole('row', { name: /^HTTP GET \/checkout / });
    await expect(root).toHaveAttribute('aria-level', '1');
    // The FOLLOWS_FROM span joins the parent's trace; the duplicate span id is kept as a second span.
    await expect(tree.getByRole('row', { name: /^SELECT orders \(.*error/ })).toHaveAttribute('aria-level', '2');
    await expect(tree.getByRole('row', { name: /^SELECT orders \(retry\)/ })).toHaveAttribute('aria-level', '2');
    await expect(tree.getByRole('row', { name: /^enqueue audit / })).toHaveAttribute('aria-level', '2');
    await expect(tree.getByRole('row')).toHaveCount(4);

    await tree.getByRole('button', { name: 'Collapse HTTP GET /checkout' }).click();
    await expect(tree.getByRole('row')).toHaveCount(1);
    await tree.getByRole('button', { name: 'Expand HTTP GET /checkout' }).click();
    await expect(tree.getByRole('row')).toHaveCount(4);

    await root.click();
    await expect(detail(page).getByRole('definition').filter({ hasText: /^jaeger$/ })).toBeVisible();
    // The Jaeger process becomes the resource: its service name and tags.
    await detail(page).getByRole('button', { name: /Resource/ }).click();
    const resource = detail(page).getByRole('table', { name: 'Resource' });
    await expect(resource).toContainText('frontend');
    await expect(resource).toContainText('web-1');
    // A plain HTTP span has no messages, so no Conversation section.
    await expect(conversation(page)).toHaveCount(0);
  } finally {
    await shell.stop();
  }
});

test('opens a Zipkin file: a shared RPC id becomes client and server halves in the tree', async ({ page }) => {
  const shell = await openFiles(page, [join(FIXTURES, 'zipkin/shared-rpc.json')]);
  try {
    const source = sourceItem(page, 'shared-rpc.json');
    await expect(source).toContainText('zipkin');
    await expect(source).toContainText('5 spans');

    await sessionRow(page, /4bf92f3577b34da6a3ce929d0e0e4736/).click();
    const tree = waterfall(page);
    await expect(tree.getByRole('row')).toHaveCount(5);
    await expect(tree.getByRole('row', { name: /^get \/checkout / })).toHaveAttribute('aria-level', '1');
    const charges = tree.getByRole('row', { name: /^post \/charge / });
    await expect(charges).toHaveCount(2);
    // The client half under the server span, the server half (same id) under the client.
    await expect(charges.nth(0)).toHaveAttribute('aria-level', '2');
    await expect(charges.nth(1)).toHaveAttribute('aria-level', '3');
    await expect(tree.getByRole('row', { name: /^charge-card / })).toHaveAttribute('aria-level', '4');
    await expect(tree.getByRole('row', { name: /^audit / })).toHaveAttribute('aria-level', '3');

    await charges.nth(0).click();
    await expect(detail(page)).toContainText('Internal Server Error');
    await expect(detail(page).getByRole('definition').filter({ hasText: /^zipkin$/ })).toBeVisible();
  } finally {
    await shell.stop();
  }
});

test('opens a typed-agent rollout: messages, a tool call with its failed result, an image reference that is not fetched', async ({ page }) => {
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  const shell = await openFiles(page, [join(FIXTURES, 'typed-agent/eval-rollout.jsonl')]);
  try {
    const source = sourceItem(page, 'eval-rollout.jsonl');
    await expect(source).toContainText('typed-agent');
    await expect(source).toContainText('7 spans');

    const session = sessionRow(page, /dp-3/);
    await expect(session).toContainText('$0.0021');
    await session.click();
    const tree = waterfall(page);
    await expect(tree.getByRole('row')).toHaveCount(7);
    await expect(tree.getByRole('row', { name: /^trace_run \(agent/ })).toBeVisible();
    const assistant = tree.getByRole('row', { name: /^message\.assistant \(llm, 1\.25 s/ });
    await expect(assistant).toHaveAttribute('aria-level', '1');
    await expect(tree.getByRole('row', { name: /^tool\.lookup_order \(tool, 150 ms, error/ })).toHaveAttribute('aria-level', '2');
    await expect(tree.getByRole('row', { name: /^grader\.criterion / })).toHaveAttribute('aria-level', '2');

    await assistant.click();
    const chat = conversation(page);
    await expect(chat).toContainText('1 message');
    const said = chat.getByRole('listitem', { name: 'assistant message' });
    await expect(said).toContainText('Let me check.');
    await expect(said).toContainText('lookup_order');
    await expect(said).toContainText('call_1');
    // The arguments arrive as JSON text and are shown indented.
    await expect(said.locator('pre')).toHaveText('{\n  "order": "ORD-1"\n}');
    await chat.scrollIntoViewIfNeeded();
    await chat.screenshot({ path: `${SHOTS}/conversation-typed-agent.png` });

    await tree.getByRole('row', { name: /^tool\.lookup_order / }).click();
    await expect(conversation(page)).toContainText('2 messages');
    await expect(conversation(page).getByRole('listitem', { name: 'tool message' })).toContainText('order service timed out');

    await tree.getByRole('row', { name: /^message\.user / }).click();
    const image = conversation(page).getByRole('note', { name: 'Image not shown' });
    await expect(image).toContainText('caribou-image://i/9');
    await expect(conversation(page).locator('img')).toHaveCount(0);
    expect(requests.filter((url) => url.startsWith('caribou-image:'))).toEqual([]);
  } finally {
    await shell.stop();
  }
});

test('opens a typed-agent production run with two turns', async ({ page }) => {
  const shell = await openFiles(page, [join(FIXTURES, 'typed-agent/prod-multi-turn.jsonl')]);
  try {
    const source = sourceItem(page, 'prod-multi-turn.jsonl');
    await expect(source).toContainText('typed-agent');
    await expect(source).toContainText('5 spans');

    await sessionRow(page, /sess-7/).click();
    const tree = waterfall(page);
    await expect(tree.getByRole('row')).toHaveCount(5);
    await expect(tree.getByRole('row', { name: /^trace_run \(agent, 5\.00 s, error/ })).toBeVisible();
    await expect(tree.getByRole('row', { name: /^custom\.step / })).toHaveAttribute('aria-level', '2');

    await tree.getByRole('row', { name: /^message\.user / }).click();
    await expect(conversation(page).getByRole('listitem', { name: 'user message' })).toContainText('Where is my order?');
    await tree.getByRole('row', { name: /^grader\.helpfulness / }).click();
    await expect(conversation(page).getByRole('listitem', { name: 'assistant message' })).toContainText('Score: 0.8');
  } finally {
    await shell.stop();
  }
});

test('opens an OTLP export whose LLM spans carry OpenInference messages', async ({ page }) => {
  const shell = await openFiles(page, [OTLP_DEMO_FILE]);
  try {
    const source = sourceItem(page, 'collector-export.jsonl');
    await expect(source).toContainText('otlp-json');
    await expect(source).toContainText('81 spans');

    await sessionRow(page, /web-41aa9d07/).click();
    const tree = waterfall(page);
    const turn = tree.getByRole('row', { name: /^billing_copilot\.turn \(agent/ }).first();
    await expect(turn).toHaveAttribute('aria-level', '1');
    const llmCalls = tree.getByRole('row', { name: /^ChatCompletion \(llm, / });
    await expect.poll(() => llmCalls.count()).toBeGreaterThan(3);
    // The turn's last model call sees the whole exchange: system, user, tool call, tool result, answer.
    await tree.getByRole('row', { name: /^ChatCompletion \(llm, 767 ms/ }).click();

    const chat = conversation(page);
    await expect(chat).toContainText('5 messages');
    const messages = chat.getByRole('list', { name: 'Messages' }).getByRole('listitem');
    await expect(messages).toHaveCount(5);
    await expect(messages.nth(0)).toContainText('You are Billing Copilot.');
    await expect(messages.nth(1)).toContainText('How do I update the card on my account?');
    await expect(messages.nth(2)).toContainText('search_kb');
    await expect(messages.nth(2)).toContainText('"query": "update payment card"');
    await expect(messages.nth(3)).toContainText('tool result');
    await expect(messages.nth(4)).toContainText('Open Billing > Payment methods');
    await expect(chat).toContainText('from llm.input_messages, llm.output_messages');
    // Tall enough for the whole exchange to fit in the detail panel's scroll area.
    await page.setViewportSize({ width: 1440, height: 2400 });
    await chat.scrollIntoViewIfNeeded();
    await chat.screenshot({ path: `${SHOTS}/conversation-openinference.png` });
  } finally {
    await shell.stop();
  }
});
