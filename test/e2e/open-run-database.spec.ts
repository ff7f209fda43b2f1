/**
 * A run database opened like a user would: the bundled kavalai.db demo store in the web shell.
 * The sidebar names the store, its sessions list with tokens, a run opens as a tree (run →
 * tasks → tool calls and model calls), a model call's detail shows where its model came from
 * and the row it was read from, and the run's chat shows as its conversation. Then another
 * process adds a run to the live database and it appears without a reload.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeSqliteElsewhere } from '../helpers/write-sqlite-elsewhere';
import { expect, startWebShell, test } from './web-shell-fixture';

const SHOTS = 'test-results/screenshots';
mkdirSync(SHOTS, { recursive: true });
const DEMO_DB = resolve(__dirname, '../../resources/demo/kavalai.db');

test('opens a kavalai run database: sessions, a run tree, a model call read back from its row, and a run added live', async ({ page }) => {
  const shell = await startWebShell([{ copyOf: DEMO_DB }]);
  try {
    await page.goto(shell.url);
    const source = page.getByRole('list', { name: 'Sources' }).getByRole('listitem', { name: 'kavalai.db' });
    await expect(source).toContainText('kavalai-db');
    await expect(source).toContainText('12 sessions');

    const sessions = page.getByRole('grid', { name: 'Sessions' });
    await expect(sessions.getByRole('row')).toHaveCount(13); // header + 12
    await page.screenshot({ path: join(SHOTS, 'run-database-sessions.png') });

    // The newest session's last run is still running; the one before it has complete runs.
    await sessions.getByRole('row').nth(2).click();
    const tree = page.getByRole('treegrid', { name: 'Waterfall' });
    const run = tree.getByRole('row', { name: /^Support desk / }).first();
    await expect(run).toHaveAttribute('aria-level', '1');
    const reply = tree.getByRole('row', { name: /^reply / }).first();
    await expect(reply).toHaveAttribute('aria-level', '2');
    const modelCall = tree.getByRole('row', { name: /claude-sonnet-4-5/ }).first();
    await expect(modelCall).toBeVisible();
    await modelCall.click();

    const detail = page.getByRole('complementary', { name: 'Span detail' });
    await expect(detail).toContainText('model ← kavalai.model_name');
    await expect(detail).toContainText(/table model_call_stats, row \d+/);
    await page.screenshot({ path: join(SHOTS, 'run-database-waterfall.png') });

    await run.click();
    await expect(detail.getByRole('region', { name: 'Conversation' })).toBeVisible();

    // A new session and run, written by another process into the live store.
    const [path] = shell.files;
    const hex = (tag: string) => `${tag.padEnd(8, '0')}00004000a000999999999999`;
    writeSqliteElsewhere(path, [
      ["INSERT INTO sessions (id, agent_id, external_id, created_at, updated_at) SELECT ?, id, 'customer-live', '2026-09-15 08:00:00.000000', '2026-09-15 08:00:00.000000' FROM agents LIMIT 1", [hex('5e55')]],
      ["INSERT INTO runs (id, session_id, input_data, context, created_at, updated_at) VALUES (?, ?, '{\"text\": \"Hello?\"}', '{}', '2026-09-15 08:00:00.000000', '2026-09-15 08:00:00.000000')", [hex('bead'), hex('5e55')]],
    ]);
    await expect(source).toContainText('13 sessions');
    await expect(sessions.getByRole('row')).toHaveCount(14);
  } finally {
    await shell.stop();
  }
});
