/**
 * The served web shell in headless Chromium, as every page benchmark uses it: `tracelight serve`
 * on one file (a child process with its own cache folder), waited on until the file is indexed,
 * then a fresh Chromium with the standard flags, a 1440 × 900 page and its init scripts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/chromium-launch';
import { connectWebSocketTransport } from '../src/server/ws-client-transport';
import { createClient } from '../src/shared/rpc/create-client';



/** What a page benchmark serves: the built CLI, the file and the cache folder the server uses. */
export interface ServedFileOptions {
  /** out/main/cli.js of the built app. */
  cliPath: string;
  file: string;
  cacheDir: string;
  log: (line: string) => void;
}

/** Starts `tracelight serve` and resolves with its page URL. */
export function startServer(options: Pick<ServedFileOptions, 'cliPath' | 'file' | 'cacheDir'>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [options.cliPath, 'serve', options.file, '--port', '0'], {
    env: { ...process.env, TRACELIGHT_CACHE_DIR: options.cacheDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tracelight serve printed no URL in 60 s; stderr: ${stderr}`)), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /Tracelight is serving at (\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tracelight serve exited with ${code}; stderr: ${stderr}`));
    });
  });
}

export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Waits, through the server's own API, until every source has read its whole file. */
export async function waitUntilIndexed(url: string, timeoutMs: number): Promise<void> {
  const transport = await connectWebSocketTransport(url);
  const client = createClient(transport);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const sources = await client.listSources();
      if (sources.length > 0 && sources.every((s) => s.status !== 'loading' && s.bytesRead >= s.sizeBytes)) return;
      if (Date.now() > deadline) throw new Error(`not indexed after ${timeoutMs} ms: ${JSON.stringify(sources)}`);
      await sleep(50);
    }
  } finally {
    client.close();
    await transport.close();
  }
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** A page of the served web shell (not navigated yet). */
export interface ServedPage {
  /** The server's page URL (with its token). */
  url: string;
  /** From starting the server until the file was indexed. */
  serverReadyMs: number;
  context: BrowserContext;
  page: Page;
}

/**
 * Serves the file, waits until it is indexed (within `indexTimeoutMs`, default 300 s), opens a
 * 1440 × 900 page in a fresh Chromium with `initScripts` installed (in that order, before any
 * page script) and its page errors logged, and runs `use` on it; then always closes the browser
 * and stops the server.
 */
export async function withServedPage<T>(
  options: ServedFileOptions & { initScripts?: string[]; indexTimeoutMs?: number },
  use: (served: ServedPage) => Promise<T>,
): Promise<T> {
  const serverStart = performance.now();
  const { child, url } = await startServer(options);
  let browser: Browser | null = null;
  try {
    await waitUntilIndexed(url, options.indexTimeoutMs ?? 300_000);
    const serverReadyMs = performance.now() - serverStart;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    for (const script of options.initScripts ?? []) await context.addInitScript(script);
    const page = await context.newPage();
    page.on('pageerror', (error) => options.log(`  page error: ${error.message}`));
    return await use({ url, serverReadyMs, context, page });
  } finally {
    await browser?.close().catch(() => undefined);
    await stopServer(child);
  }
}

/** The deep link of a session in the served app. */
export function sessionLink(url: string, sourceId: string, sessionId: string): string {
  return `${url}#/source/${encodeURIComponent(sourceId)}/session/${encodeURIComponent(sessionId)}`;
}

/** The URL as a report may show it: the server's token left out. */
export function redactToken(url: string): string {
  return url.replace(/token=[^#&]+/, 'token=…');
}

/** The page's JS heap in MB after a garbage collection. */
export async function jsHeapAfterGcMb(context: BrowserContext, page: Page): Promise<number> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  return heap.usedSize / 1048576;
}
