/**
 * OTel log records written to the same file as the spans: counted on the source and shown
 * with the span they were written in.
 */
import { compactConsoleSpan } from '../helpers/otel-console-span';
import { expect, startWebShell, test } from './web-shell-fixture';

const traceId = `0x${'c3'.padStart(32, '0')}`;
const logLine = (body: string, spanId: string, severity: string, at: string) =>
  `${JSON.stringify({
    body,
    severity_number: `<SeverityNumber.${severity}: 13>`,
    severity_text: severity,
    attributes: {},
    timestamp: at,
    trace_id: traceId,
    span_id: `0x${spanId.padStart(16, '0')}`,
    trace_flags: 1,
    resource: { attributes: {}, schema_url: '' },
  })}\n`;

test('shows log records with the span they were written in', async ({ page }) => {
  const text =
    logLine('cache miss for order 7', '2', 'WARN', '2026-11-20T14:00:00.030000Z') +
    logLine('<b>not markup</b>', '2', 'INFO', '2026-11-20T14:00:00.040000Z') +
    compactConsoleSpan({ name: 'lookup_order', traceId: 'c3', spanId: '2', parentId: '1', startMs: 10, endMs: 90 }) +
    compactConsoleSpan({ name: 'agent_session', traceId: 'c3', spanId: '1', startMs: 0, endMs: 100, attributes: { 'session.id': 'with-logs' } });
  const shell = await startWebShell([{ name: 'mixed.jsonl', text }]);
  try {
    await page.goto(shell.url);
    const source = page.getByRole('list', { name: 'Sources' }).getByRole('listitem', { name: 'mixed.jsonl' });
    await expect(source).toContainText('2 spans');
    await expect(source).toContainText('2 logs');
    await page.getByRole('grid', { name: 'Sessions' }).getByRole('row', { name: /with-logs/ }).click();
    await page.getByRole('treegrid', { name: 'Waterfall' }).getByRole('row', { name: /^lookup_order/ }).click();
    const logs = page.getByRole('complementary', { name: 'Span detail' }).getByRole('list', { name: 'Logs' });
    await expect(logs).toContainText('cache miss for order 7');
    await expect(logs).toContainText('WARN');
    await expect(logs).toContainText('+20.0 ms');
    await expect(logs.getByText('<b>not markup</b>')).toBeVisible();
  } finally {
    await shell.stop();
  }
});
