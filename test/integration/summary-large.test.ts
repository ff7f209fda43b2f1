/**
 * `tracelight summary --json` on 50 MB OTel files in both forms (pretty-printed concatenated,
 * one object per line), written by the deterministic generator that knows the exact counts.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateOtelFile } from '../../bench/generate-otel';
import type { SummaryReport } from '../../src/core/trace-service';
import { makeTempDir } from '../helpers/temp-dir';

const CLI = join(__dirname, '../../out/main/cli.js');
const SIZE_BYTES = 50 * 1024 * 1024;

let temp: ReturnType<typeof makeTempDir>;

beforeAll(() => {
  temp = makeTempDir('tracelight-large-');
});

afterAll(() => temp.remove());

describe.each(['pretty', 'compact'] as const)('summary --json of a 50 MB %s OTel file', (form) => {
  it('reports the exact span, trace and session counts and token totals', () => {
    const path = join(temp.path, `${form}.jsonl`);
    const expected = generateOtelFile({ path, form, sizeBytes: SIZE_BYTES, seed: form === 'pretty' ? 7 : 11 });
    const run = spawnSync(process.execPath, [CLI, 'summary', path, '--json'], {
      env: { ...process.env, TRACELIGHT_CACHE_DIR: join(temp.path, `cache-${form}`) },
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as SummaryReport;
    expect(report.sources).toHaveLength(1);
    expect(report.sources[0]).toMatchObject({
      path,
      format: 'otel-console',
      spans: expected.spans,
      traces: expected.traces,
      sessions: expected.sessions,
      errors: 0,
    });
    expect(report.totals).toMatchObject({ spans: expected.spans, inputTokens: expected.inputTokens, outputTokens: expected.outputTokens });
  });
});
