/**
 * The first code the page runs (main.tsx imports it before anything else): it connects to
 * the engine and, when the address is a deep link to a session, asks the engine to prepare
 * that session while the rest of the UI loads. Evaluating the UI's bundle and building a
 * 100,000-span tree take about as long each; this way they overlap instead of following
 * each other.
 */
import { parseDeepLink } from '../lib/deep-link';
import { connectToEngine } from './choose-connection';

export const engine = connectToEngine();

const route = parseDeepLink(window.location.hash);
if (route.sourceId !== null && route.sessionId !== null) {
  // A hint: whatever it answers, the views ask for what they show.
  engine.client.prepareSession({ sourceId: route.sourceId, sessionId: route.sessionId }).catch(() => undefined);
}
