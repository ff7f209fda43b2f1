/**
 * Every format end to end through the built CLI: `tracelight summary <file> --json` on one
 * fixture of each folder in test/fixtures/ must name the folder's format and index exactly the
 * spans of the fixture's hand-derived .expected.json; a JSON shape no adapter knows must fail
 * with a reason that names its keys. Needs the build (`npx electron-vite build`; `npm test`
 * builds before Vitest).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SummaryReport } from '../../src/core/trace-service';
import { makeTempDir } from '../helpers/temp-dir';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'out', 'main', 'cli.js');
const FIXTURES = join(ROOT, 'test', 'fixtures');

let temp: ReturnType<typeof makeTempDir>;
let cacheDir: string;

/** Runs `summary <path> --json` in a child process; resolves with its exit code and parsed report. */
function runSummary(path: string): Promise<{ code: number | null; report: SummaryReport; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'summary', path, '--json'], {
      cwd: temp.path,
      env: { ...process.env, TRACELIGHT_CACHE_DIR: cacheDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        resolve({ code, report: JSON.parse(stdout) as SummaryReport, stderr });
      } catch {
        reject(new Error(`summary printed no JSON (exit ${code}): ${stderr || stdout}`));
      }
    });
  });
}

/** Each fixture folder (named after its format) with its first input in name order. */
function listFirstFixtures(): { format: string; file: string; spanCount: number }[] {
  return readdirSync(FIXTURES)
    .filter((name) => statSync(join(FIXTURES, name)).isDirectory())
    .sort()
    .map((format) => {
      const inputs = readdirSync(join(FIXTURES, format)).filter((name) => !name.endsWith('.expected.json')).sort();
      const file = join(FIXTURES, format, inputs[0]);
      const expected = JSON.parse(readFileSync(file.replace(/\.jsonl?$/, '.expected.json'), 'utf8')) as unknown[];
      return { format, file, spanCount: expected.length };
    });
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx electron-vite build\` first (npm test builds before Vitest)`);
  temp = makeTempDir('tracelight-formats-');
  cacheDir = join(temp.path, 'cache');
  mkdirSync(cacheDir);
});

afterAll(() => temp?.remove());

describe('tracelight summary detects every fixture format', () => {
  const fixtures = listFirstFixtures();

  it('finds a fixture folder for each format', () => expect(fixtures.length).toBeGreaterThanOrEqual(10));

  for (const { format, file, spanCount } of fixtures) {
    it(`${format}: ${file.slice(FIXTURES.length + 1)} has ${spanCount} spans`, async () => {
      const { code, report } = await runSummary(file);
      expect(code).toBe(0);
      expect(report.sources).toHaveLength(1);
      expect(report.sources[0]).toMatchObject({ format, spans: spanCount });
    });
  }
});

describe('tracelight summary on Langfuse observations_v2', () => {
  it('counts the generation tokens and cost and groups both traces into their session', async () => {
    const { code, report } = await runSummary(join(FIXTURES, 'langfuse', 'observations-v2.jsonl'));
    expect(code).toBe(0);
    expect(report.sources[0]).toMatchObject({ format: 'langfuse', spans: 4, traces: 2, sessions: 1, errors: 0 });
    expect(report.totals).toMatchObject({ inputTokens: 120, outputTokens: 35 });
    expect(report.totals.costUsd).toBeCloseTo(0.000271, 9);
  });
});

describe('tracelight summary on an unknown JSON shape', () => {
  it('exits 1 and says which keys it did not recognise', async () => {
    const path = join(temp.path, 'hello.jsonl');
    writeFileSync(path, '{"hello":"world"}\n{"hello":"again"}\n');
    const { code, report, stderr } = await runSummary(path);
    expect(code).toBe(1);
    expect(stderr).toContain('no spans could be read');
    expect(report.sources[0]).toMatchObject({ spans: 0, errors: 2 });
    expect(report.sources[0].errorSamples[0].reason.startsWith('not a trace format Tracelight knows: top-level keys hello')).toBe(true);
  });
});
