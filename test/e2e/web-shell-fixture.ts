/**
 * Starts the real web shell (`node out/main/cli.js serve`) on copies of trace files in a
 * temp folder, with its own cache folder, and hands the test the page URL it printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { test as base } from '@playwright/test';

const ROOT = resolve(__dirname, '../..');
export const DEMO_FILE = join(ROOT, 'resources/demo/agent-traces.jsonl');
export const OTLP_DEMO_FILE = join(ROOT, 'resources/demo/collector-export.jsonl');

export interface WebShell {
  url: string;
  /** The temp folder holding the copies (and anything the test writes). */
  dir: string;
  /** Absolute paths of the copies, in the order given. */
  files: string[];
}

/** Starts `tracelight serve` on the given files (copied) or literal contents; resolves with its URL. */
export async function startWebShell(inputs: ({ copyOf: string } | { name: string; text: string })[]): Promise<WebShell & { stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'tracelight-e2e-'));
  const files = inputs.map((input) => {
    if ('copyOf' in input) {
      const target = join(dir, basename(input.copyOf));
      copyFileSync(input.copyOf, target);
      return target;
    }
    const target = join(dir, input.name);
    writeFileSync(target, input.text);
    return target;
  });
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'out/main/cli.js'), 'serve', ...files, '--port', '0'], {
    env: { ...process.env, TRACELIGHT_CACHE_DIR: join(dir, '.cache') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`web shell did not start:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web shell exited with ${code}:\n${output}`));
    });
  });
  let isStopping = false;
  // A shell that dies under a test is a bug: say why in the test's output.
  child.once('exit', (code, signal) => {
    if (!isStopping) process.stderr.write(`web shell exited unexpectedly (${code ?? signal}):\n${output}\n`);
  });
  const stop = async () => {
    isStopping = true;
    if (child.exitCode === null) {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, dir, files, stop };
}

/** A test whose `shell` fixture serves a copy of the bundled demo. */
export const test = base.extend<{ shell: WebShell }>({
  shell: async ({}, use) => {
    const shell = await startWebShell([{ copyOf: DEMO_FILE }, { copyOf: OTLP_DEMO_FILE }]);
    await use(shell);
    await shell.stop();
  },
});

export { expect } from '@playwright/test';
