/**
 * Every format end to end through the built CLI: `tracelight summary <file> --json` on one
 * fixture of each folder in test/fixtures/ must name the folder's format and index exactly the
 * spans of the fixture's hand-derived .expected.json; a JSON shape no adapter knows must fail
 * with a reason that names its keys. Run databases are built from their fixture scripts and
 * summarised the same way. Needs the build (`npx electron-vite build`; `npm test`
 * builds before Vitest).
 */
import Database from 'better-sqlite3';
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

/** Files in a fixture folder that are not inputs: expectations, notes, generators. */
const isFixtureInput = (folder: string, name: string) =>
  !name.endsWith('.expected.json') && !/\.(md|ts|js)$/.test(name) && statSync(join(folder, name)).isFile();

/** Formats a folder's files report when it is not the folder's name: collector output names its encoding. */
const FORMAT_OF_FIXTURE: Record<string, string> = {
  'otlp-proto/collector-json-zstd.bin': 'otlp-json+zstd',
  'otlp-proto/collector-proto-zstd.bin': 'otlp-proto+zstd',
};

/** Each fixture folder (named after its format) with its first input in name order; run databases apart. */
function listFirstFixtures(): { format: string; file: string; spanCount: number }[] {
  return readdirSync(FIXTURES)
    .filter((name) => name !== 'stores' && statSync(join(FIXTURES, name)).isDirectory())
    .sort()
    .map((folder) => {
      const inputs = readdirSync(join(FIXTURES, folder)).filter((name) => isFixtureInput(join(FIXTURES, folder), name)).sort();
      const file = join(FIXTURES, folder, inputs[0]);
      const expected = JSON.parse(readFileSync(file.replace(/\.[a-z]+$/, '.expected.json'), 'utf8')) as { attributes?: Record<string, unknown> }[];
      // Criterion spans synthesised from a Grade's criteria are drawn, not counted: counts are of the file's spans.
      const spanCount = expected.filter((span) => span.attributes?.['tracelight.synthesized'] !== true).length;
      return { format: FORMAT_OF_FIXTURE[`${folder}/${inputs[0]}`] ?? folder, file, spanCount };
    });
}

/** Each run-database fixture folder with its first store build script in name order. */
function listFirstStores(): { format: string; build: string; spanCount: number }[] {
  const stores = join(FIXTURES, 'stores');
  return readdirSync(stores)
    .filter((name) => statSync(join(stores, name)).isDirectory())
    .sort()
    .map((format) => {
      const build = readdirSync(join(stores, format)).filter((name) => name.endsWith('.build.ts')).sort()[0];
      const expected = JSON.parse(readFileSync(join(stores, format, build.replace(/\.build\.ts$/, '.expected.json')), 'utf8')) as { spans: unknown[] };
      return { format, build: join(stores, format, build), spanCount: expected.spans.length };
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

describe('tracelight summary detects every run database', () => {
  const stores = listFirstStores();

  it('finds a fixture folder for each store', () => expect(stores.length).toBeGreaterThanOrEqual(6));

  for (const { format, build, spanCount } of stores) {
    it(`${format}: ${build.slice(FIXTURES.length + 1)} has ${spanCount} spans`, async () => {
      const path = join(temp.path, `${format}.db`);
      const { build: buildStore } = (await import(build)) as { build: (db: Database.Database) => void };
      const db = new Database(path);
      buildStore(db);
      db.close();
      const { code, report } = await runSummary(path);
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

describe('tracelight summary on Langfuse CSV exports', () => {
  it('reads an observations CSV by its header row', async () => {
    const { code, report } = await runSummary(join(FIXTURES, 'langfuse', 'csv-observations.csv'));
    expect(code).toBe(0);
    expect(report.sources[0]).toMatchObject({ format: 'langfuse', spans: 4, traces: 1, errors: 0 });
    expect(report.totals).toMatchObject({ inputTokens: 42, outputTokens: 7 });
  });

  it('exits 1 on a CSV of other columns, and names them', async () => {
    const path = join(temp.path, 'people.csv');
    writeFileSync(path, 'name,age\nann,3\n');
    const { code, report } = await runSummary(path);
    expect(code).toBe(1);
    expect(report.sources[0].errorSamples[0].reason).toBe('not a trace format Tracelight knows: CSV columns name, age');
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
