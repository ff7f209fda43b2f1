/**
 * The `tracelight` command as users run it: the built out/main/cli.js in a child process, over
 * real files, the real engine and the real web server. Needs the build (`npm run build`;
 * `npm test` builds before running Vitest).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SummaryReport } from '../../src/core/trace-service';
import { createClient } from '../../src/shared/rpc/create-client';
import { connectWebSocketTransport } from '../../src/server/ws-client-transport';
import { compactConsoleSpan, prettyConsoleSpan } from '../helpers/otel-console-span';
import { makeTempDir } from '../helpers/temp-dir';
import { waitFor } from '../helpers/wait-for';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'out', 'main', 'cli.js');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const SERVING_LINE = /^Tracelight is serving at (http:\/\/127\.0\.0\.1:(\d+)\/\?token=([A-Za-z0-9_-]+))$/;

function hasElectronBinary(): boolean {
  try {
    const binary: unknown = createRequire(join(ROOT, 'package.json'))('electron');
    return typeof binary === 'string' && existsSync(binary);
  } catch {
    return false;
  }
}

let temp: ReturnType<typeof makeTempDir>;
let cacheDir: string;
const children = new Set<ChildProcess>();

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function startCli(args: string[], cwd = temp.path, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...process.env, TRACELIGHT_CACHE_DIR: cacheDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<Finished>((resolve) =>
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
  return { child, finished, stdout: () => stdout };
}

const runCli = (args: string[], cwd?: string, env?: Record<string, string>) => startCli(args, cwd, env).finished;

/** Starts a serving CLI and resolves with its page URL once it printed it. */
async function startServing(args: string[]) {
  const run = startCli(args);
  const match = (await waitFor(() => SERVING_LINE.exec(run.stdout().trim()), 'the serving line', 20_000)) as RegExpExecArray;
  return { ...run, url: match[1], port: Number(match[2]), token: match[3] };
}

/** A console trace: a root and a child span, a broken record between them (on line 25). */
function writeTrace(name: string, traceId = 'a1'): string {
  const path = join(temp.path, name);
  writeFileSync(
    path,
    prettyConsoleSpan({ name: 'agent', traceId, spanId: '1', startMs: 0, endMs: 100 }) +
      '{ "name": broken\n' +
      prettyConsoleSpan({ name: 'llm', traceId, spanId: '2', parentId: '1', startMs: 10, endMs: 50 }),
  );
  return path;
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test builds before Vitest)`);
  temp = makeTempDir('tracelight-cli-');
  cacheDir = join(temp.path, 'cache');
  mkdirSync(cacheDir);
});

afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
});

afterAll(() => temp?.remove());

describe('tracelight --help / --version / usage', () => {
  it('prints usage with --help', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage:/);
    expect(stdout).toContain('tracelight summary <paths...> [--json]');
  });

  it('prints the version', async () => {
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: `tracelight ${VERSION}\n`, stderr: '' });
  });

  it('refuses bad arguments with exit code 2 and a hint', async () => {
    const { code, stdout, stderr } = await runCli(['summary']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('needs at least one path');
    expect(stderr).toContain('tracelight --help');
  });
});

describe('tracelight summary', () => {
  it('prints exactly one JSON object with --json', async () => {
    const path = writeTrace('agent.log');
    const { code, stdout } = await runCli(['summary', path, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as SummaryReport;
    expect(report.sources).toHaveLength(1);
    expect(report.sources[0]).toMatchObject({ path, format: 'otel-console', spans: 2, traces: 1, sessions: 1, errors: 1 });
    expect(report.sources[0].errorSamples[0]).toMatchObject({ line: 25 });
    expect(report.totals).toMatchObject({ spans: 2, traces: 1, sessions: 1, errors: 1 });
  });

  it('prints a table with each source, its first errors and totals', async () => {
    writeTrace('first.log', 'b1');
    writeTrace('second.log', 'b2');
    const { code, stdout } = await runCli(['summary', 'first.log', 'second.log']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^SOURCE\s+FORMAT\s+SPANS\s+TRACES\s+SESSIONS\s+ERRORS$/);
    expect(lines[1]).toMatch(/^first\.log\s+otel-console\s+2\s+1\s+1\s+1$/);
    expect(lines[2]).toMatch(/^ {2}line 25: \S/);
    expect(lines[3]).toMatch(/^second\.log\s+otel-console\s+2\s+1\s+1\s+1$/);
    expect(lines[lines.length - 1]).toMatch(/^TOTAL \(2 sources\)\s+4\s+2\s+2\s+2$/);
  });

  it('names a missing path and still reads the others', async () => {
    const path = writeTrace('present.log', 'c1');
    const { code, stdout, stderr } = await runCli(['summary', 'no-such-file.jsonl', path, '--json']);
    expect(code).toBe(0);
    expect(stderr).toContain('"no-such-file.jsonl": no such file or directory');
    expect((JSON.parse(stdout) as SummaryReport).totals.spans).toBe(2);
  });

  it('exits 1 with nothing on stdout when no path exists', async () => {
    const { code, stdout, stderr } = await runCli(['summary', 'gone.jsonl', '--json']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('"gone.jsonl"');
  });

  it('exits 1 when no span could be read', async () => {
    const path = join(temp.path, 'garbage.txt');
    writeFileSync(path, 'this is not a trace\nnor is this\n');
    const { code, stdout, stderr } = await runCli(['summary', path, '--json']);
    expect(code).toBe(1);
    expect((JSON.parse(stdout) as SummaryReport).totals.spans).toBe(0);
    expect(stderr).toContain('no spans could be read');
  });
});

describe('tracelight serve', () => {
  it('prints one line with its address, serves the API live over the WebSocket, and stops on SIGTERM', async () => {
    const path = join(temp.path, 'live.log');
    writeFileSync(path, compactConsoleSpan({ name: 'agent', traceId: 'd1', spanId: '1', startMs: 0, endMs: 100 }));
    const server = await startServing(['serve', path, '--port', '0']);
    expect(server.token.length).toBeGreaterThanOrEqual(32);

    const transport = await connectWebSocketTransport(server.url);
    const client = createClient(transport);
    await waitFor(async () => (await client.listSources()).find((s) => s.path === path && s.spans === 1), 'the first span');
    appendFileSync(path, compactConsoleSpan({ name: 'tool', traceId: 'd1', spanId: '2', parentId: '1', startMs: 10, endMs: 20 }));
    await waitFor(async () => (await client.listSources()).find((s) => s.path === path && s.spans === 2), 'the appended span');
    client.close();
    await transport.close();

    const page = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(page.status).toBe(403);

    server.child.kill('SIGTERM');
    const { code, stdout } = await server.finished;
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
  });

  it('exits 1 naming the path when none of the paths exists', async () => {
    const { code, stdout, stderr } = await runCli(['serve', 'missing.jsonl']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('"missing.jsonl": no such file or directory');
  });

  it('says so when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const { code, stderr } = await runCli(['serve', '--port', String(port)]);
      expect(code).toBe(1);
      expect(stderr).toContain(`port ${port} is already in use`);
    } finally {
      blocker.close();
    }
  });
});

describe.skipIf(hasElectronBinary())('tracelight [paths] without an Electron binary', () => {
  it('falls back to serving the paths to a browser', async () => {
    const path = writeTrace('open-me.log', 'e1');
    const server = await startServing([path]);
    const transport = await connectWebSocketTransport(server.url);
    const client = createClient(transport);
    expect((await client.listSources()).map((s) => s.path)).toContain(path);
    client.close();
    await transport.close();
    // Ctrl+C under npm arrives more than once (terminal and parents); that is still a clean stop.
    server.child.kill('SIGINT');
    server.child.kill('SIGINT');
    const { code, stderr } = await server.finished;
    expect(code).toBe(0);
    expect(stderr).toContain('Electron is not installed here');
  });
});

describe('tracelight [paths] with an Electron binary', () => {
  it('starts Electron on the app with the absolute paths and exits with its code', async () => {
    // npm's electron package honours ELECTRON_OVERRIDE_DIST_PATH: point it at a stand-in binary.
    const distDir = join(temp.path, 'fake-electron');
    mkdirSync(distDir);
    const argsFile = join(temp.path, 'electron-args.json');
    writeFileSync(
      join(distDir, 'electron'),
      `#!${process.execPath}\nrequire('fs').writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(process.argv.slice(2)));\nprocess.exit(3);\n`,
    );
    chmodSync(join(distDir, 'electron'), 0o755);
    const path = writeTrace('desktop.log', 'f1');
    const { code, stdout } = await runCli(['desktop.log', 'missing.log'], temp.path, { ELECTRON_OVERRIDE_DIST_PATH: distDir });
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(JSON.parse(readFileSync(argsFile, 'utf8'))).toEqual([ROOT.replace(/\/$/, ''), path]);
  });
});
