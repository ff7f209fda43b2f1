/**
 * Dropping trace files anywhere on the window opens them. Only the desktop shell can tell a
 * dropped file's path; in a browser the user is pointed at "Open path" instead.
 */
import { useEffect, useRef, useState, type DragEvent, type ReactNode } from 'react';
import { useClient } from '../api/api-context';
import { readDroppedFilePath } from '../api/ipc-transport';

const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer.types).includes('Files');

export function DropZone({ children, onOpened }: { children: ReactNode; onOpened(): void }) {
  const client = useClient();
  const [isOver, setIsOver] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const depthRef = useRef(0);

  useEffect(() => {
    if (notice === null) return;
    const timer = window.setTimeout(() => setNotice(null), 6000);
    return () => window.clearTimeout(timer);
  }, [notice]);

  const onDrop = async (e: DragEvent) => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depthRef.current = 0;
    setIsOver(false);
    const files = Array.from(e.dataTransfer.files);
    const paths = files.map(readDroppedFilePath).filter((p): p is string => p !== null);
    if (paths.length === 0) {
      setNotice('This window cannot see where dropped files live. Paste the file’s path into “Open path” instead.');
      return;
    }
    const failures: string[] = [];
    for (const path of paths) {
      try {
        const result = await client.openPath({ path });
        if (!result.ok) failures.push(result.error);
      } catch (err) {
        failures.push(err instanceof Error ? err.message : String(err));
      }
    }
    onOpened();
    setNotice(failures.length > 0 ? failures.join('\n') : null);
  };

  return (
    <div
      className="drop-zone"
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        depthRef.current += 1;
        setIsOver(true);
      }}
      onDragLeave={(e) => {
        if (!hasFiles(e)) return;
        depthRef.current = Math.max(0, depthRef.current - 1);
        if (depthRef.current === 0) setIsOver(false);
      }}
      onDragOver={(e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }}
      onDrop={(e) => void onDrop(e)}
    >
      {children}
      {isOver ? (
        <div className="drop-zone__overlay" aria-hidden="true">
          <div className="drop-zone__label">Drop trace files to open them</div>
        </div>
      ) : null}
      {notice ? (
        <div className="toast" role="alert">
          <span className="toast__text">{notice}</span>
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => setNotice(null)}>
            ×
          </button>
        </div>
      ) : null}
    </div>
  );
}
