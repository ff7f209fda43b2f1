/** Tells the user when the engine cannot be reached (web shell only; IPC does not drop). */
import { useConnectionState } from '../api/api-context';

export function ConnectionBanner() {
  const { status, detail, epoch } = useConnectionState();
  if (status === 'connected') return null;
  if (status === 'connecting' && epoch === 0 && !detail) return null;
  return (
    <div className={`banner banner--${status}`} role="alert">
      <span className="banner__dot" aria-hidden="true" />
      <strong>{status === 'disconnected' ? 'Disconnected' : 'Connecting…'}</strong>
      {detail ? <span className="banner__detail">{detail}</span> : null}
      {status === 'disconnected' ? <span className="banner__detail">Reconnecting…</span> : null}
    </div>
  );
}
