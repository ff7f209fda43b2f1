/**
 * Writes how many Playwright tests passed and failed to test-results/counts/e2e.json, for
 * the one-line total that scripts/run-tests.mjs prints at the end of `npm test`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Reporter, Suite } from '@playwright/test/reporter';

export default class PlaywrightCountReporter implements Reporter {
  private root: Suite | null = null;

  onBegin(_config: unknown, suite: Suite): void {
    this.root = suite;
  }

  onEnd(): void {
    let passed = 0;
    let failed = 0;
    for (const test of this.root?.allTests() ?? []) {
      const outcome = test.outcome();
      if (outcome === 'expected' || outcome === 'flaky') passed++;
      else if (outcome === 'unexpected') failed++;
    }
    mkdirSync('test-results/counts', { recursive: true });
    writeFileSync('test-results/counts/e2e.json', JSON.stringify({ passed, failed }));
  }
}
