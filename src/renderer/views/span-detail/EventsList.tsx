/** Span events in time order; exceptions show type, message and the stack trace in a <pre>. */
import type { SpanEvent } from '../../../shared/contract/wire-types';
import { KeyValueTable } from '../../components/KeyValueTable';
import { formatOffsetUs } from '../../lib/format';

const EXCEPTION_KEYS = new Set(['exception.type', 'exception.message', 'exception.stacktrace']);

export function EventsList({ events, spanStartUs }: { events: SpanEvent[]; spanStartUs: number }) {
  if (events.length === 0) return <p className="muted kv-empty">No events.</p>;
  return (
    <ol className="event-list" aria-label="Events">
      {events.map((event, i) => {
        const isException = event.name === 'exception' || 'exception.type' in event.attributes || 'exception.stacktrace' in event.attributes;
        const type = event.attributes['exception.type'];
        const message = event.attributes['exception.message'];
        const stack = event.attributes['exception.stacktrace'];
        const rest = Object.entries(event.attributes).filter(([k]) => !isException || !EXCEPTION_KEYS.has(k));
        return (
          <li key={i} className={`event${isException ? ' event--exception' : ''}`}>
            <div className="event__head">
              <span className="event__name">{event.name}</span>
              {event.timeUs !== null ? <span className="event__time mono">{formatOffsetUs(event.timeUs - spanStartUs)}</span> : null}
            </div>
            {isException && (type !== undefined || message !== undefined) ? (
              <div className="event__exception">
                {type !== undefined ? <span className="event__exception-type mono">{String(type)}</span> : null}
                {message !== undefined ? <span className="event__exception-message">{String(message)}</span> : null}
              </div>
            ) : null}
            {isException && stack !== undefined ? <pre className="stacktrace">{typeof stack === 'string' ? stack : JSON.stringify(stack, null, 2)}</pre> : null}
            {rest.length > 0 ? <KeyValueTable label={`${event.name} attributes`} entries={rest} /> : null}
          </li>
        );
      })}
    </ol>
  );
}
