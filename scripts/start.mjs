// `npm start`: builds when out/ is missing or older than the sources, then runs the Electron app
// where its binary is installed, else the web shell on the demo traces (printing its address).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outputs = ['out/main/index.js', 'out/main/cli.js', 'out/preload/index.js', 'out/renderer/index.html'].map((p) => join(root, p));
const inputs = ['src', 'package.json', 'electron.vite.config.mts'].map((p) => join(root, p));

/** Newest modification time under a file or folder, in ms. */
function newestMtimeMs(path) {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

function isBuildStale() {
  if (!outputs.every((p) => existsSync(p))) return true;
  const oldestOutput = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  return Math.max(...inputs.map(newestMtimeMs)) > oldestOutput;
}

function findElectronBinary() {
  try {
    // Without its downloaded binary, npm's `electron` package throws here.
    const binary = createRequire(join(root, 'package.json'))('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

/** Runs a child with our stdio, forwarding Ctrl+C and SIGTERM; exits with its code. */
function runAndExit(command, args, env = process.env) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    console.error(`start: cannot run ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (isBuildStale()) {
  console.error('start: building (electron-vite build)...');
  const viteBin = join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  // Build output goes to stderr: stdout carries only the app's own output (the web shell's address).
  const built = spawnSync(process.execPath, [viteBin, 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (built.status !== 0) {
    console.error('start: the build failed; see above.');
    process.exit(built.status ?? 1);
  }
}

const extraArgs = process.argv.slice(2);
const electron = findElectronBinary();
if (electron !== null) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  // The package folder: its package.json `main` is out/main/index.js.
  runAndExit(electron, [root, ...extraArgs], env);
} else {
  // As DEMO_FILE_NAMES in src/shared/demo-files.ts (this script runs before anything is built).
  const demo = ['agent-traces.jsonl', 'collector-export.jsonl', 'kavalai.db']
    .map((name) => join(root, 'resources', 'demo', name))
    .filter((p) => existsSync(p));
  const paths = extraArgs.length > 0 ? extraArgs : demo;
  if (paths.length === 0) console.error('start: no demo traces in resources/demo (run `npm run demo`); serving with nothing open.');
  console.error('start: Electron is not installed here (its binary cannot be downloaded), so Tracelight runs as a web app.');
  runAndExit(process.execPath, [join(root, 'out', 'main', 'cli.js'), 'serve', ...paths]);
}
