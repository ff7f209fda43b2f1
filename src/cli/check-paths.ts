/** Resolves command-line paths against the working directory and names the ones that are not there. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';

export interface CheckedPaths {
  /** Absolute paths that exist. */
  found: string[];
  /** One message per path that could not be used, naming it as the user typed it. */
  problems: string[];
}

/** Splits paths into existing absolute paths and messages for the rest. */
export async function checkPaths(paths: string[], cwd: string): Promise<CheckedPaths> {
  const found: string[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    try {
      await stat(absolute);
      found.push(absolute);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why =
        code === 'ENOENT' || code === 'ENOTDIR'
          ? 'no such file or directory'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : (error as Error).message;
      problems.push(`cannot open ${JSON.stringify(path)}: ${why}`);
    }
  }
  return { found, problems };
}
