/** Log records written inside a span, in time order: offset from the span's start, severity, body as text. */
import type { SpanLog } from '../../../shared/contract/wire-types';
import { formatOffsetUs } from '../../lib/format';

const LOUD_SEVERITIES = new Set(['WARN', 'WARNING', 'ERROR', 'FATAL', 'CRITICAL']);

export function LogsList({ logs, spanStartUs }: { logs: SpanLog[]; spanStartUs: number }) {
  if (logs.length === 0) return <p className="muted kv-empty">No logs.</p>;
  return (
    <ol className="event-list" aria-label="Logs">
      {logs.map((log, i) => (
        <li key={i} className={`event${log.severity && LOUD_SEVERITIES.has(log.severity.toUpperCase()) ? ' event--exception' : ''}`}>
          <div className="event__head">
            <span className="event__name">{log.severity ?? 'log'}</span>
            <span className="event__time mono" title={`line ${log.line}`}>
              {log.timeUs !== null ? formatOffsetUs(log.timeUs - spanStartUs) : `line ${log.line}`}
            </span>
          </div>
          <pre className="log-body">{log.body}</pre>
        </li>
      ))}
    </ol>
  );
}
