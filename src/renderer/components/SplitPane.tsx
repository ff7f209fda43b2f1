/** Two panes stacked vertically with a draggable divider; the top pane's share is a fraction. */
import { useRef, type ReactNode } from 'react';
import { ResizeHandle } from './ResizeHandle';

export interface SplitPaneProps {
  top: ReactNode;
  bottom: ReactNode;
  /** Share of the height given to the top pane, 0..1. */
  fraction: number;
  onFractionChange(fraction: number): void;
  minFraction?: number;
  maxFraction?: number;
  label: string;
}

export function SplitPane({ top, bottom, fraction, onFractionChange, minFraction = 0.12, maxFraction = 0.85, label }: SplitPaneProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  const startRef = useRef(fraction);
  const clamp = (f: number) => Math.min(maxFraction, Math.max(minFraction, f));
  return (
    <div className="split-pane" ref={containerRef}>
      <div className="split-pane__top" style={{ flexBasis: `${fraction * 100}%` }}>
        {top}
      </div>
      <ResizeHandle
        orientation="horizontal"
        label={label}
        valueNow={fraction * 100}
        valueMin={minFraction * 100}
        valueMax={maxFraction * 100}
        onDragStart={() => {
          startRef.current = fraction;
        }}
        onDrag={(deltaPx) => {
          const height = containerRef.current?.clientHeight ?? 1;
          onFractionChange(clamp(startRef.current + deltaPx / Math.max(1, height)));
        }}
        onStep={(direction) => onFractionChange(clamp(fraction + direction * 0.03))}
      />
      <div className="split-pane__bottom">{bottom}</div>
    </div>
  );
}
