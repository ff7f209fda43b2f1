/**
 * Collects engine events and delivers them coalesced, at most once per interval — the first
 * change after a quiet interval goes out at once (a single appended span shows up in a few
 * ms), later ones wait for the interval to end: the latest
 * sourceChanged per source, one sessionsChanged per source with the union of session ids,
 * one spansAppended per session with the counts summed. Views pull what they show, so
 * dropping intermediate states loses nothing.
 */
import type { TraceEventListener, TraceEventName, TraceEvents, TraceEventSource } from '../shared/contract/trace-api';

const MAX_LISTED_SESSIONS = 200;
const MAX_SESSION_EVENTS = 100;

function maxOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  return b === null ? a : Math.max(a, b);
}

export class EventHub implements TraceEventSource {
  private readonly listeners = new Set<TraceEventListener>();
  private timer: NodeJS.Timeout | null = null;
  private sourceChanged = new Map<string, TraceEvents['sourceChanged']>();
  private sessionsChanged = new Map<string, Set<string>>();
  private spansAppended = new Map<string, TraceEvents['spansAppended']>();
  private immediate: [TraceEventName, unknown][] = [];
  private lastFlushAtMs = -Infinity;

  constructor(private readonly intervalMs = 50) {}

  subscribe(listener: TraceEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  sourceChangedLater(info: TraceEvents['sourceChanged']): void {
    this.sourceChanged.set(info.sourceId, info);
    this.schedule();
  }

  sessionsGrewLater(sourceId: string, sessions: Map<string, { count: number; endUs: number | null }>): void {
    let ids = this.sessionsChanged.get(sourceId);
    if (!ids) this.sessionsChanged.set(sourceId, (ids = new Set()));
    for (const [sessionId, gain] of sessions) {
      ids.add(sessionId);
      const key = `${sourceId}\u0000${sessionId}`;
      const previous = this.spansAppended.get(key);
      this.spansAppended.set(key, {
        sourceId,
        sessionId,
        count: (previous?.count ?? 0) + gain.count,
        endUs: maxOrNull(previous?.endUs ?? null, gain.endUs),
      });
    }
    this.schedule();
  }

  /** Events that must not be merged (removal, reset): delivered in order at the next flush. */
  emitLater<K extends TraceEventName>(name: K, payload: TraceEvents[K]): void {
    this.immediate.push([name, payload]);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    // Leading edge: after a quiet interval, deliver on the next turn (same-tick changes still merge).
    const waitMs = Math.max(0, this.lastFlushAtMs + this.intervalMs - performance.now());
    this.timer = setTimeout(() => this.flush(), waitMs);
  }

  /** Delivers everything pending now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.lastFlushAtMs = performance.now();
    const deliver = <K extends TraceEventName>(name: K, payload: TraceEvents[K]) => {
      for (const listener of this.listeners) {
        try {
          listener(name, payload);
        } catch {
          // A failing listener (a closed socket) must not stop the others.
        }
      }
    };
    const immediate = this.immediate;
    this.immediate = [];
    for (const [name, payload] of immediate) deliver(name, payload as never);
    for (const info of this.sourceChanged.values()) deliver('sourceChanged', info);
    this.sourceChanged.clear();
    for (const [sourceId, ids] of this.sessionsChanged) {
      deliver('sessionsChanged', { sourceId, sessionIds: ids.size > MAX_LISTED_SESSIONS ? [] : [...ids] });
    }
    this.sessionsChanged.clear();
    if (this.spansAppended.size <= MAX_SESSION_EVENTS) {
      for (const event of this.spansAppended.values()) deliver('spansAppended', event);
    }
    this.spansAppended.clear();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }
}
