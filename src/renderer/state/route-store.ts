/**
 * The selection (source, session, span) lives in the location hash so every view can be
 * deep-linked and reloads restore it. Choosing a session adds a history entry; moving
 * between spans replaces it, so Back goes to the previous session, not the previous row.
 */
import { buildDeepLink, EMPTY_ROUTE, parseDeepLink, type Route } from '../lib/deep-link';
import { createStore, useStore } from './create-store';

const routeStore = createStore<Route>(typeof window === 'undefined' ? EMPTY_ROUTE : parseDeepLink(window.location.hash));

function syncFromLocation() {
  const next = parseDeepLink(window.location.hash);
  const current = routeStore.get();
  if (next.sourceId !== current.sourceId || next.sessionId !== current.sessionId || next.spanKey !== current.spanKey) {
    routeStore.set(next);
  }
}

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', syncFromLocation);
  window.addEventListener('popstate', syncFromLocation);
}

export function useRoute(): Route {
  return useStore(routeStore);
}

/** Selects a route; `replace` rewrites the current history entry instead of adding one. */
export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const current = routeStore.get();
  if (route.sourceId === current.sourceId && route.sessionId === current.sessionId && route.spanKey === current.spanKey) return;
  const url = `${window.location.pathname}${window.location.search}${buildDeepLink(route)}`;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  routeStore.set(route);
}
