/**
 * The selected session's two views behind tabs: its waterfall, and its conversation (the
 * dialogue of its typed spans). The span selection is shared: a message clicked in the
 * conversation is the selected span, revealed in the waterfall when it is shown.
 */
import { useRef, type KeyboardEvent } from 'react';
import { useSessionView, type SessionViewName } from '../../state/session-view-store';
import { navigate } from '../../state/route-store';
import { Waterfall } from '../waterfall/Waterfall';
import { TraceConversationView } from './TraceConversationView';

export interface SessionViewsProps {
  sourceId: string;
  sessionId: string;
  selectedSpanKey: string | null;
}

const TABS: { view: SessionViewName; label: string }[] = [
  { view: 'waterfall', label: 'Waterfall' },
  { view: 'conversation', label: 'Conversation' },
];

export function SessionViews({ sourceId, sessionId, selectedSpanKey }: SessionViewsProps) {
  const [view, setView] = useSessionView();
  const tabRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const onTabKeyDown = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    e.preventDefault();
    const next = (index + step + TABS.length) % TABS.length;
    setView(TABS[next].view);
    tabRefs.current[next]?.focus();
  };
  return (
    <div className="session-views">
      <div className="session-views__tabs" role="tablist" aria-label="Session views">
        {TABS.map((tab, i) => (
          <button
            key={tab.view}
            ref={(el) => {
              tabRefs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={`session-tab-${tab.view}`}
            aria-selected={view === tab.view}
            aria-controls="session-view-panel"
            tabIndex={view === tab.view ? 0 : -1}
            className={`session-views__tab${view === tab.view ? ' is-active' : ''}`}
            onClick={() => setView(tab.view)}
            onKeyDown={(e) => onTabKeyDown(e, i)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div className="session-views__panel" role="tabpanel" id="session-view-panel" aria-labelledby={`session-tab-${view}`}>
        {view === 'waterfall' ? (
          <Waterfall sourceId={sourceId} sessionId={sessionId} selectedSpanKey={selectedSpanKey} />
        ) : (
          <TraceConversationView
            sourceId={sourceId}
            sessionId={sessionId}
            selectedSpanKey={selectedSpanKey}
            onShowInWaterfall={(spanKey) => {
              navigate({ sourceId, sessionId, spanKey }, { replace: true });
              setView('waterfall');
            }}
          />
        )}
      </div>
    </div>
  );
}
