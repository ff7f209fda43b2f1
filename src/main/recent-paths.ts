/**
 * The File > Open Recent list: the last few opened paths, newest first, kept as a small JSON
 * file in the app's userData folder (and mirrored to the OS list with app.addRecentDocument).
 */
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';

const MAX_RECENT = 10;

/** Reads the list; a missing or damaged file is an empty list. */
export function readRecentPaths(file: string): string[] {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const paths = (parsed as { paths?: unknown }).paths;
    return Array.isArray(paths) ? paths.filter((p): p is string => typeof p === 'string').slice(0, MAX_RECENT) : [];
  } catch {
    return [];
  }
}

/** The list with path moved to the front. */
export function addRecentPath(paths: string[], path: string): string[] {
  return [path, ...paths.filter((p) => p !== path)].slice(0, MAX_RECENT);
}

/** Writes the list atomically (temp file, then rename). */
export async function writeRecentPaths(file: string, paths: string[]): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify({ paths }, null, 2)}\n`);
  await rename(temp, file);
}
