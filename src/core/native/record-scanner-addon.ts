/**
 * Loads the native record scanner (native/record-scanner.c, built by `npm install` with
 * node-gyp into build/Release). It is optional: when it is missing or will not load, indexing
 * reads every record in JavaScript, with the same result and about half the speed.
 * `TRACELIGHT_NATIVE=off` turns it off (the bench and tests compare both paths);
 * `TRACELIGHT_NATIVE=required` makes a missing addon an error (CI, where it is always built).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const ADDON_FILE = join('build', 'Release', 'record_scanner.node');

/** The output layout this code reads (LAYOUT_VERSION in native/record-scanner.c). */
export const RECORD_SCANNER_LAYOUT = 3;

/** The addon's functions (see native/record-scanner.c for the output layout). */
export interface RecordScannerAddon {
  /** Sets which attribute keys `scan` reports, by their index in `keys`. */
  setWantedKeys(keys: readonly string[]): void;
  /** Reads records from `start` on; returns how many it accepted. */
  scan(bytes: Uint8Array, start: number, end: number, records: Int32Array, attributes: Int32Array, numbers: Float64Array): number;
  /** How many times `byte` occurs in bytes[start, end). */
  countByte(bytes: Uint8Array, byte: number, start: number, end: number): number;
  /** The build's output layout: a build whose layout differs from RECORD_SCANNER_LAYOUT is not used. */
  layoutVersion: number;
}

/** The addon's path: build/Release under the first folder up from here that has one. */
export function findRecordScannerAddon(from = __dirname): string | null {
  for (let dir = from, up = 0; up < 6; up++, dir = dirname(dir)) {
    const candidate = join(dir, ADDON_FILE);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

let loaded: RecordScannerAddon | null | undefined;

/** The addon, or null when it is off or cannot be loaded (then why is in `recordScannerProblem`). */
export function loadRecordScanner(): RecordScannerAddon | null {
  if (loaded !== undefined) return loaded;
  const mode = process.env.TRACELIGHT_NATIVE;
  loaded = null;
  if (mode === 'off') return loaded;
  const path = findRecordScannerAddon();
  try {
    if (!path) throw new Error(`${ADDON_FILE} was not built (run npm install)`);
    const addon = createRequire(join(__dirname, 'load.js'))(path) as RecordScannerAddon;
    if (addon.layoutVersion !== RECORD_SCANNER_LAYOUT) throw new Error(`${path} is a build of another version (run npm install)`);
    loaded = addon;
  } catch (error) {
    if (mode === 'required') throw new Error(`the native record scanner is required but did not load: ${(error as Error).message}`);
    loaded = null;
  }
  return loaded;
}
