/**
 * A thin overview track with a window showing which part of the whole is in view (the
 * waterfall's minimap). Drag the window to move it; click the track to centre it there.
 * Pointer-only: the view it controls has its own keyboard commands.
 */
import { useRef, type PointerEvent } from 'react';

export interface RangeOverviewProps {
  /** The window, as fractions of the whole (0..1). */
  startFraction: number;
  endFraction: number;
  /** Asks to move the window so it starts at this fraction. */
  onMove(startFraction: number): void;
  label: string;
}

export function RangeOverview({ startFraction, endFraction, onMove, label }: RangeOverviewProps) {
  const trackRef = useRef<HTMLDivElement>(null);
  const dragRef = useRef<{ originX: number; originStart: number } | null>(null);
  const widthFraction = Math.max(0, endFraction - startFraction);

  const fractionAt = (clientX: number) => {
    const rect = trackRef.current?.getBoundingClientRect();
    return rect && rect.width > 0 ? (clientX - rect.left) / rect.width : 0;
  };
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    const at = fractionAt(e.clientX);
    const isInside = at >= startFraction && at <= endFraction;
    const originStart = isInside ? startFraction : at - widthFraction / 2;
    if (!isInside) onMove(originStart);
    dragRef.current = { originX: e.clientX, originStart };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const drag = dragRef.current;
    const rect = trackRef.current?.getBoundingClientRect();
    if (!drag || !rect || rect.width === 0) return;
    onMove(drag.originStart + (e.clientX - drag.originX) / rect.width);
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    dragRef.current = null;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) e.currentTarget.releasePointerCapture(e.pointerId);
  };

  return (
    <div
      ref={trackRef}
      className="range-overview"
      aria-hidden="true"
      title={label}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
    >
      <div className="range-overview__window" style={{ left: `${startFraction * 100}%`, width: `${Math.max(0.5, widthFraction * 100)}%` }} />
    </div>
  );
}
