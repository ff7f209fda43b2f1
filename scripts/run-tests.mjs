#!/usr/bin/env node
// `npm test`: every check and suite in order, then one plain line "N passed, N failed".
// Checks (typecheck, import boundaries, build) count as one test each; suites report their
// own counts through the reporters in test/reporters. A failing step does not stop the rest.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const steps = [
  { name: 'typecheck', command: 'npx', args: ['tsc', '-p', 'tsconfig.json', '--noEmit'] },
  { name: 'import boundaries', command: 'npx', args: ['depcruise', 'src', '--config', '.dependency-cruiser.cjs'] },
  { name: 'build', command: 'npx', args: ['electron-vite', 'build'] },
  { name: 'unit and integration', command: 'npx', args: ['vitest', 'run'], counts: 'test-results/counts/vitest.json' },
  { name: 'end to end', command: 'npx', args: ['playwright', 'test'], counts: 'test-results/counts/e2e.json' },
];

let passed = 0;
let failed = 0;
const lines = [];
rmSync('test-results/counts', { recursive: true, force: true });
for (const step of steps) {
  console.log(`\n=== ${step.name}: ${step.command} ${step.args.join(' ')}`);
  const result = spawnSync(step.command, step.args, { stdio: 'inherit', env: process.env });
  const isOk = result.status === 0;
  if (step.counts) {
    if (existsSync(step.counts)) {
      const counts = JSON.parse(readFileSync(step.counts, 'utf8'));
      passed += counts.passed;
      failed += counts.failed;
      // A runner that failed without reporting a failing test still failed.
      if (!isOk && counts.failed === 0) failed++;
      lines.push(`${step.name}: ${counts.passed} passed, ${counts.failed} failed${isOk ? '' : ' (runner exit ' + result.status + ')'}`);
    } else {
      failed++;
      lines.push(`${step.name}: did not run to the end (exit ${result.status})`);
    }
  } else {
    if (isOk) passed++;
    else failed++;
    lines.push(`${step.name}: ${isOk ? 'ok' : 'FAILED'}`);
  }
}
console.log('\n=== summary');
for (const line of lines) console.log(line);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
