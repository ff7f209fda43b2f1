/**
 * `tracelight serve`: the engine plus the web shell until SIGINT or SIGTERM. Prints exactly
 * one line on stdout, `Tracelight is serving at <url>`; everything else goes to stderr.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { TraceService } from '../core/trace-service';
import { startWebServer } from '../server/start-web-server';
import { RENDERER_DIR } from './app-paths';
import { checkPaths } from './check-paths';
import type { CliIo } from './cli-io';

/** How long closing the server and the engine may take after a stop signal. */
const SHUTDOWN_LIMIT_MS = 5000;

/** Serves the paths until the process is told to stop; resolves with the exit code. */
export async function runServe(paths: string[], port: number, io: CliIo): Promise<number> {
  const { found, problems } = await checkPaths(paths, io.cwd);
  for (const problem of problems) io.error(`tracelight: ${problem}`);
  if (paths.length > 0 && found.length === 0) return 1;

  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    io.error(`tracelight: the viewer is not built (no ${join(RENDERER_DIR, 'index.html')}); run \`npm run build\`. Serving the API only.`);
  }
  const service = new TraceService();
  try {
    for (const path of found) {
      const opened = await service.openPath({ path });
      if (!opened.ok) io.error(`tracelight: cannot open ${JSON.stringify(path)}: ${opened.error}`);
    }
    let server;
    try {
      server = await startWebServer({ service, host: '127.0.0.1', port, rendererDir: RENDERER_DIR });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      io.error(code === 'EADDRINUSE' ? `tracelight: port ${port} is already in use` : `tracelight: cannot serve: ${(error as Error).message}`);
      return 1;
    }
    // Nothing to index yet: start the index workers and warm them up, as the app does at
    // launch, so the first file opened from the page indexes at full speed.
    if (found.length === 0) void service.startIndexWorkers().catch(() => undefined);
    io.print(`Tracelight is serving at ${server.url}`);
    io.error('Open that address in a browser (it carries this launch\'s access token). Press Ctrl+C to stop.');
    await waitForStopSignal();
    await server.close();
    return 0;
  } finally {
    await service.close();
  }
}

/**
 * Resolves on the first SIGINT or SIGTERM. Later signals are ignored (Ctrl+C under `npm start`
 * arrives several times: from the terminal and forwarded by each parent); if closing hangs, a
 * watchdog exits anyway.
 */
function waitForStopSignal(): Promise<void> {
  return new Promise((resolve) => {
    let isStopping = false;
    const onSignal = () => {
      if (isStopping) return;
      isStopping = true;
      setTimeout(() => process.exit(1), SHUTDOWN_LIMIT_MS).unref();
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
