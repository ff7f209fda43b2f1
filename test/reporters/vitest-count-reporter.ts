/**
 * Writes how many Vitest tests passed and failed to test-results/counts/vitest.json, for the
 * one-line total that scripts/run-tests.mjs prints at the end of `npm test`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { Reporter, TestModule } from 'vitest/node';

export default class VitestCountReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
      }
      // A file that failed to load has no tests but is still a failure.
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++;
    }
    failed += unhandledErrors.length;
    mkdirSync('test-results/counts', { recursive: true });
    writeFileSync('test-results/counts/vitest.json', JSON.stringify({ passed, failed }));
  }
}
