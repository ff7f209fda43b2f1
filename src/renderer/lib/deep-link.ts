/**
 * Deep links: `#/source/<sourceId>/session/<sessionId>/span/<spanKey>`, each part
 * URL-encoded, every part after the source optional. Parsing is lenient (unknown or broken
 * parts end the route where they start) so a bad link opens the app, not an error.
 */

export interface Route {
  sourceId: string | null;
  sessionId: string | null;
  spanKey: string | null;
}

export const EMPTY_ROUTE: Route = { sourceId: null, sessionId: null, spanKey: null };

function decodePart(part: string | undefined): string | null {
  if (part === undefined || part === '') return null;
  try {
    return decodeURIComponent(part);
  } catch {
    return null;
  }
}

/** The route in a location hash ("#/source/a/session/b"); anything else is the empty route. */
export function parseDeepLink(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/^\//, '');
  if (path === '') return EMPTY_ROUTE;
  const parts = path.split('/');
  if (parts[0] !== 'source') return EMPTY_ROUTE;
  const sourceId = decodePart(parts[1]);
  if (sourceId === null) return EMPTY_ROUTE;
  const sessionId = parts[2] === 'session' ? decodePart(parts[3]) : null;
  const spanKey = sessionId !== null && parts[4] === 'span' ? decodePart(parts[5]) : null;
  return { sourceId, sessionId, spanKey };
}

/** The hash for a route ("" for the empty route); parts after a missing one are dropped. */
export function buildDeepLink(route: Route): string {
  if (route.sourceId === null) return '';
  let hash = `#/source/${encodeURIComponent(route.sourceId)}`;
  if (route.sessionId === null) return hash;
  hash += `/session/${encodeURIComponent(route.sessionId)}`;
  if (route.spanKey === null) return hash;
  return `${hash}/span/${encodeURIComponent(route.spanKey)}`;
}
