/**
 * Who may talk to the web shell. The server listens on 127.0.0.1 only, but any web page the
 * user visits can still aim requests at it, and a DNS-rebinding page can even make them
 * same-origin under its own host name. So every request must carry the per-launch token (in
 * the query on first load, then in an HttpOnly cookie), name this server in its Host header,
 * and, when it has an Origin, come from this server's own origin.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export type GuardVerdict =
  | { ok: true; isTokenFromQuery: boolean }
  | { ok: false; reason: 'host' | 'origin' | 'token' };

export interface RequestGuard {
  /** Name of the cookie carrying the token; per port, since cookies do not isolate ports. */
  cookieName: string;
  /** Checks Host, Origin and token of a request or WebSocket upgrade. */
  check(req: IncomingMessage, url: URL): GuardVerdict;
}

/** Builds the checks for one server: its token and the port it is bound to. */
export function createRequestGuard(options: { token: string; port: number }): RequestGuard {
  const { token, port } = options;
  const allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`]);
  const cookieName = `tracelight_token_${port}`;
  const expected = Buffer.from(token, 'utf8');

  const isTokenValid = (candidate: string | null | undefined): boolean => {
    if (!candidate) return false;
    const given = Buffer.from(candidate, 'utf8');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };

  return {
    cookieName,
    check(req, url) {
      const host = req.headers.host;
      if (host === undefined || !allowedHosts.has(host.toLowerCase())) return { ok: false, reason: 'host' };
      const origin = req.headers.origin;
      if (origin !== undefined && !allowedOrigins.has(origin.toLowerCase())) return { ok: false, reason: 'origin' };
      if (isTokenValid(url.searchParams.get('token'))) return { ok: true, isTokenFromQuery: true };
      if (isTokenValid(readCookie(req.headers.cookie, cookieName))) return { ok: true, isTokenFromQuery: false };
      return { ok: false, reason: 'token' };
    },
  };
}

/** The value of one cookie in a Cookie header, or null. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}
