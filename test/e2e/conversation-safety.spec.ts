/**
 * The Conversation view draws only raster images embedded in the trace as base64. SVG data,
 * web links and custom schemes are shown as text and never requested; markup in message
 * text stays text; parts no convention defines are shown raw.
 */
import { mkdirSync } from 'node:fs';
import { expect, startWebShell, test } from './web-shell-fixture';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });

const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAALklEQVR42mNwmPAADT1wcEBDxKhhGDWIjgaRpw1TzahB9DRoNGWP5rVRg+hiEADPrnIutfhp7gAAAABJRU5ErkJggg==';
const SVG = `data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>').toString('base64')}`;
const REMOTE = 'https://images.example.invalid/cat.png';
const MARKUP = '<b>bold?</b><img src="https://tracker.example.invalid/pixel.gif" onerror="alert(1)">';

const lines = [
  { span_kind: 'trace_run', trace_id: 'trc_img', datapoint_id: 'dp-images', status: 'COMPLETED' },
  {
    trace_id: 'trc_img',
    span_id: 'u1',
    span_name: 'message.user',
    start_time: '2026-05-11T08:00:00Z',
    role: 'user',
    content: [
      { type: 'text', text: `Compare these. ${MARKUP}` },
      { type: 'image_url', image_url: { url: PNG } },
      { type: 'image_url', image_url: { url: SVG } },
      { type: 'image_url', image_url: { url: REMOTE } },
      { type: 'hologram', frames: 3 },
    ],
  },
  {
    trace_id: 'trc_img',
    span_id: 'a1',
    span_name: 'message.assistant',
    start_time: '2026-05-11T08:00:01Z',
    duration_ms: 900,
    role: 'assistant',
    model: 'gpt-4o',
    content: [
      { type: 'reasoning', text: 'The first is a checkerboard.' },
      { type: 'text', text: 'Only the first image is embedded.' },
    ],
  },
];

test('shows embedded raster images, keeps other image references as text, never renders markup', async ({ page }) => {
  const shell = await startWebShell([{ name: 'images.jsonl', text: `${lines.map((l) => JSON.stringify(l)).join('\n')}\n` }]);
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  try {
    await page.goto(shell.url);
    await expect(page.getByRole('list', { name: 'Sources' }).getByRole('listitem', { name: 'images.jsonl' })).toContainText('3 spans');
    await page.getByRole('grid', { name: 'Sessions' }).getByRole('row', { name: /dp-images/ }).click();
    const tree = page.getByRole('treegrid', { name: 'Waterfall' });
    await tree.getByRole('row', { name: /^message\.user / }).click();

    const chat = page.getByRole('complementary', { name: 'Span detail' }).getByRole('region', { name: 'Conversation' });
    const user = chat.getByRole('listitem', { name: 'user message' });
    await expect(user).toContainText(`Compare these. ${MARKUP}`);
    await expect(user.locator('b')).toHaveCount(0);

    const images = chat.locator('img');
    await expect(images).toHaveCount(1);
    await expect(images).toHaveAttribute('src', PNG);
    await expect.poll(() => images.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(24);

    const placeholders = chat.getByRole('note', { name: 'Image not shown' });
    await expect(placeholders).toHaveCount(2);
    await expect(placeholders.nth(0)).toContainText('data:image/svg+xml;base64,');
    await expect(placeholders.nth(1)).toContainText(REMOTE);
    await expect(user).toContainText('"type":"hologram"');
    await chat.scrollIntoViewIfNeeded();
    await chat.screenshot({ path: `${SHOTS}/conversation-images.png` });

    await tree.getByRole('row', { name: /^message\.assistant / }).click();
    const assistant = chat.getByRole('listitem', { name: 'assistant message' });
    await expect(assistant).toContainText('reasoning');
    await expect(assistant).toContainText('The first is a checkerboard.');
    await expect(assistant).toContainText('Only the first image is embedded.');

    expect(requests.filter((url) => url.includes('example.invalid') || !/^(http:\/\/127\.0\.0\.1:\d+|ws:|data:)/.test(url))).toEqual([]);
  } finally {
    await shell.stop();
  }
});
