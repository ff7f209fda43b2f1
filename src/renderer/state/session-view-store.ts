/**
 * Which view of the selected session is shown, the waterfall or its conversation; kept
 * across sessions and reloads, so someone reading dialogues stays in the conversation.
 */
import { createStore, useStore } from './create-store';

export type SessionViewName = 'waterfall' | 'conversation';

const STORAGE_KEY = 'tracelight.sessionView';

function readInitial(): SessionViewName {
  try {
    return typeof window !== 'undefined' && window.localStorage.getItem(STORAGE_KEY) === 'conversation' ? 'conversation' : 'waterfall';
  } catch {
    return 'waterfall';
  }
}

const sessionViewStore = createStore<SessionViewName>(readInitial());

function setSessionView(view: SessionViewName): void {
  sessionViewStore.set(view);
  try {
    window.localStorage.setItem(STORAGE_KEY, view);
  } catch {
    // A preference: without storage it lasts for the session.
  }
}

export function useSessionView(): [SessionViewName, (view: SessionViewName) => void] {
  return [useStore(sessionViewStore), setSessionView];
}
