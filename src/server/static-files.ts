/**
 * Maps a request path to a file of the built renderer, and never to anything outside it:
 * `..` segments, backslashes, NUL bytes and dotfiles are refused before touching the disk, and
 * the real path (symlinks resolved) must still lie inside the renderer folder.
 */
import { realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

/** Content type for a file name; unknown extensions are served as opaque bytes. */
export function findContentType(filePath: string): string {
  return CONTENT_TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

export interface StaticFile {
  filePath: string;
  sizeBytes: number;
  contentType: string;
}

export type StaticLookup = { ok: true; file: StaticFile } | { ok: false; status: 400 | 404 };

/**
 * Finds the file for a URL path (still percent-encoded) inside rootDir. `/` is index.html; a
 * path without an extension that matches no file also gets index.html, so deep links reload.
 */
export async function resolveStaticFile(rootDir: string, urlPath: string): Promise<StaticLookup> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return { ok: false, status: 400 };
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return { ok: false, status: 400 };
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s.startsWith('.'))) return { ok: false, status: 404 };

  const rootReal = await realpathOrNull(rootDir);
  if (rootReal === null) return { ok: false, status: 404 };
  const wanted = segments.length === 0 ? ['index.html'] : segments;
  const found = await statInside(rootReal, wanted);
  if (found) return { ok: true, file: found };
  if (segments.length > 0 && extname(segments[segments.length - 1]) === '') {
    const index = await statInside(rootReal, ['index.html']);
    if (index) return { ok: true, file: index };
  }
  return { ok: false, status: 404 };
}

async function statInside(rootReal: string, segments: string[]): Promise<StaticFile | null> {
  const real = await realpathOrNull(join(rootReal, ...segments));
  if (real === null || !real.startsWith(rootReal + sep)) return null;
  try {
    const info = await stat(real);
    if (!info.isFile()) return null;
    return { filePath: real, sizeBytes: info.size, contentType: findContentType(real) };
  } catch {
    return null;
  }
}

async function realpathOrNull(path: string): Promise<string | null> {
  try {
    return await realpath(path);
  } catch {
    return null;
  }
}
