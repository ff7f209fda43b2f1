/**
 * A draggable divider (role=separator). Reports pointer movement in px since the drag began
 * and arrow-key nudges; the parent owns the size and its limits.
 */
import { useRef, type KeyboardEvent, type PointerEvent } from 'react';

export interface ResizeHandleProps {
  /** 'vertical': a divider between columns, dragged left/right; 'horizontal': between rows. */
  orientation: 'vertical' | 'horizontal';
  label: string;
  /** Current size, for assistive technology. */
  valueNow: number;
  valueMin: number;
  valueMax: number;
  onDragStart(): void;
  /** Pointer movement along the drag axis since the drag began, px. */
  onDrag(deltaPx: number): void;
  /** One keyboard step, -1 or +1 (left/up is -1). */
  onStep(direction: -1 | 1): void;
}

export function ResizeHandle(props: ResizeHandleProps) {
  const originRef = useRef<number | null>(null);
  const isVertical = props.orientation === 'vertical';

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.currentTarget.setPointerCapture(e.pointerId);
    originRef.current = isVertical ? e.clientX : e.clientY;
    props.onDragStart();
    document.body.classList.add(isVertical ? 'is-resizing-x' : 'is-resizing-y');
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (originRef.current === null) return;
    props.onDrag((isVertical ? e.clientX : e.clientY) - originRef.current);
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    if (originRef.current === null) return;
    originRef.current = null;
    e.currentTarget.releasePointerCapture(e.pointerId);
    document.body.classList.remove('is-resizing-x', 'is-resizing-y');
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const back = isVertical ? 'ArrowLeft' : 'ArrowUp';
    const forward = isVertical ? 'ArrowRight' : 'ArrowDown';
    if (e.key === back || e.key === forward) {
      e.preventDefault();
      props.onStep(e.key === back ? -1 : 1);
    }
  };

  return (
    <div
      className={`resize-handle resize-handle--${props.orientation}`}
      role="separator"
      aria-orientation={props.orientation}
      aria-label={props.label}
      aria-valuenow={Math.round(props.valueNow)}
      aria-valuemin={Math.round(props.valueMin)}
      aria-valuemax={Math.round(props.valueMax)}
      tabIndex={0}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onKeyDown={onKeyDown}
    />
  );
}
