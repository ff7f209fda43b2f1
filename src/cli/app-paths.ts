/**
 * Files the CLI finds next to itself. The CLI runs bundled as out/main/cli.js, so everything
 * is resolved from that folder: the renderer in out/renderer, the package (the Electron app)
 * two levels up, the demo traces in resources/demo.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { DEMO_FILE_NAMES } from '../shared/demo-files';

const BUILD_DIR = __dirname;

/** The built renderer served by the web shell. */
export const RENDERER_DIR = resolve(BUILD_DIR, '../renderer');

/**
 * What Electron is started with: the package folder, whose package.json `main` is the built
 * out/main/index.js (giving the app its name, and so its own userData folder).
 */
export const ELECTRON_APP_DIR = resolve(BUILD_DIR, '../..');

/** The bundled demo sources that exist. */
export function findDemoPaths(): string[] {
  const demoDir = resolve(BUILD_DIR, '../../resources/demo');
  return DEMO_FILE_NAMES.map((name) => join(demoDir, name)).filter((p) => existsSync(p));
}

/** The Electron executable when one is installed, else null (npm's `electron` package without its binary). */
export function findElectronBinary(): string | null {
  try {
    // In plain Node the `electron` package exports the path of its binary, or throws when it was never downloaded.
    const resolved: unknown = createRequire(join(BUILD_DIR, 'cli.js'))('electron');
    return typeof resolved === 'string' && existsSync(resolved) ? resolved : null;
  } catch {
    return null;
  }
}
