/**
 * `tracelight [paths]`: the desktop app when an Electron binary is installed, otherwise the
 * web shell (with the demo traces when no path is given, as the desktop app does).
 */
import { spawn } from 'node:child_process';
import { ELECTRON_APP_DIR, findDemoPaths, findElectronBinary } from './app-paths';
import { checkPaths } from './check-paths';
import type { CliIo } from './cli-io';
import { runServe } from './run-serve';

/** Opens the paths in Electron or, failing that, serves them; resolves with the exit code. */
export async function runOpen(paths: string[], port: number, io: CliIo): Promise<number> {
  const electron = findElectronBinary();
  if (electron === null) {
    io.error('tracelight: Electron is not installed here; serving the viewer to a browser instead.');
    return runServe(paths.length > 0 ? paths : findDemoPaths(), port, io);
  }
  const { found, problems } = await checkPaths(paths, io.cwd);
  for (const problem of problems) io.error(`tracelight: ${problem}`);
  if (paths.length > 0 && found.length === 0) return 1;
  return runElectron(electron, found);
}

function runElectron(electron: string, paths: string[]): Promise<number> {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  const child = spawn(electron, [ELECTRON_APP_DIR, ...paths], { stdio: 'inherit', env, windowsHide: false });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  return new Promise((resolve) => {
    const done = (code: number) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(code);
    };
    child.on('error', (error) => {
      process.stderr.write(`tracelight: cannot start Electron (${electron}): ${error.message}\n`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}
