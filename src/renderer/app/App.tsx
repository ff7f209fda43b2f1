/**
 * The window: sources on the left, sessions over the waterfall in the middle, the selected
 * span's detail on the right. The selection comes from the location hash (deep links).
 */
import { useEffect, useRef } from 'react';
import { useConnectionState } from '../api/api-context';
import { useSources } from '../api/use-sources';
import { EmptyState } from '../components/EmptyState';
import { ResizeHandle } from '../components/ResizeHandle';
import { SplitPane } from '../components/SplitPane';
import { navigate, useRoute } from '../state/route-store';
import { useErrorsPanel, usePersistentNumber } from '../state/ui-store';
import { SessionsTable } from '../views/sessions/SessionsTable';
import { SourceErrorsPanel } from '../views/sources/SourceErrorsPanel';
import { SourcesSidebar } from '../views/sources/SourcesSidebar';
import { SpanDetailPanel } from '../views/span-detail/SpanDetailPanel';
import { SessionViews } from '../views/conversation/SessionViews';
import { ConnectionBanner } from './ConnectionBanner';
import { DropZone } from './DropZone';

const SIDEBAR_MIN_PX = 200;
const SIDEBAR_MAX_PX = 480;
const DETAIL_MIN_PX = 320;
const DETAIL_MAX_PX = 900;
const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

export function App() {
  const route = useRoute();
  const { sources, isLoaded, refetch } = useSources();
  const { status, epoch } = useConnectionState();
  const [errorsSourceId, setErrorsSourceId] = useErrorsPanel();
  const [sidebarPx, setSidebarPx] = usePersistentNumber('layout.sidebarPx', 260);
  const [detailPx, setDetailPx] = usePersistentNumber('layout.detailPx', 420);
  const [sessionsFraction, setSessionsFraction] = usePersistentNumber('layout.sessionsFraction', 0.35);
  const dragStartRef = useRef(0);

  // A deep link may name a source that is not open (closed, or from another launch).
  const isRouteSourceOpen = route.sourceId === null || !isLoaded || sources.some((s) => s.sourceId === route.sourceId);
  const session = route.sourceId !== null && route.sessionId !== null ? { sourceId: route.sourceId, sessionId: route.sessionId } : null;
  const errorsSource = errorsSourceId ? sources.find((s) => s.sourceId === errorsSourceId) ?? null : null;

  useEffect(() => {
    document.title = route.sessionId ? `${route.sessionId} — Tracelight` : 'Tracelight';
  }, [route.sessionId]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || errorsSourceId !== null) return;
      const r = route;
      if (r.spanKey !== null) navigate({ ...r, spanKey: null }, { replace: true });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [route, errorsSourceId]);

  const isWaiting = !isLoaded && (status !== 'connected' || epoch === 0);
  // A deep link to a session shows its waterfall at once: its requests go out with the
  // source list's instead of after it (they queue until the connection opens).
  const main = !isLoaded && session === null ? (
    <EmptyState title={isWaiting ? 'Connecting to Tracelight…' : 'Loading…'} />
  ) : isLoaded && sources.length === 0 ? (
    <EmptyState title="Open a trace file to begin">
      <p>
        Type or paste the path of a trace file or folder into <strong>Open path</strong> on the left: OTel console
        spans, OTLP/JSON, Jaeger or Zipkin exports, Phoenix, MLflow, Langfuse or kitelogik span dumps, or typed agent spans.
      </p>
    </EmptyState>
  ) : (
    <SplitPane
      label="Resize sessions and waterfall"
      fraction={clamp(sessionsFraction, 0.12, 0.85)}
      onFractionChange={setSessionsFraction}
      top={<SessionsTable sources={sources} />}
      bottom={
        !isRouteSourceOpen ? (
          <EmptyState title="That source is not open">
            <p>The link points at a source this window has not opened. Pick a session above, or open the file again.</p>
          </EmptyState>
        ) : session ? (
          <SessionViews key={`${session.sourceId}\u0000${session.sessionId}`} sourceId={session.sourceId} sessionId={session.sessionId} selectedSpanKey={route.spanKey} />
        ) : (
          <EmptyState title="Select a session">
            <p>Pick a row above to see its spans on a time axis.</p>
          </EmptyState>
        )
      }
    />
  );

  return (
    <DropZone onOpened={refetch}>
      <div className="app">
        <div className="app__sidebar" style={{ width: clamp(sidebarPx, SIDEBAR_MIN_PX, SIDEBAR_MAX_PX) }}>
          <SourcesSidebar sources={sources} onSourcesChanged={refetch} />
        </div>
        <ResizeHandle
          orientation="vertical"
          label="Resize sources"
          valueNow={sidebarPx}
          valueMin={SIDEBAR_MIN_PX}
          valueMax={SIDEBAR_MAX_PX}
          onDragStart={() => {
            dragStartRef.current = sidebarPx;
          }}
          onDrag={(delta) => setSidebarPx(clamp(dragStartRef.current + delta, SIDEBAR_MIN_PX, SIDEBAR_MAX_PX))}
          onStep={(direction) => setSidebarPx(clamp(sidebarPx + direction * 20, SIDEBAR_MIN_PX, SIDEBAR_MAX_PX))}
        />
        <main className="app__main" aria-label="Sessions and waterfall">
          <ConnectionBanner />
          <div className="app__main-body">{main}</div>
          {errorsSource ? <SourceErrorsPanel key={errorsSource.sourceId} source={errorsSource} onClose={() => setErrorsSourceId(null)} /> : null}
        </main>
        {route.sourceId !== null && route.spanKey !== null && isRouteSourceOpen ? (
          <>
            <ResizeHandle
              orientation="vertical"
              label="Resize span detail"
              valueNow={detailPx}
              valueMin={DETAIL_MIN_PX}
              valueMax={DETAIL_MAX_PX}
              onDragStart={() => {
                dragStartRef.current = detailPx;
              }}
              onDrag={(delta) => setDetailPx(clamp(dragStartRef.current - delta, DETAIL_MIN_PX, DETAIL_MAX_PX))}
              onStep={(direction) => setDetailPx(clamp(detailPx - direction * 20, DETAIL_MIN_PX, DETAIL_MAX_PX))}
            />
            <div className="app__detail" style={{ width: clamp(detailPx, DETAIL_MIN_PX, DETAIL_MAX_PX) }}>
              <SpanDetailPanel
                sourceId={route.sourceId}
                sessionId={route.sessionId}
                spanKey={route.spanKey}
                onClose={() => navigate({ ...route, spanKey: null }, { replace: true })}
              />
            </div>
          </>
        ) : null}
      </div>
    </DropZone>
  );
}
