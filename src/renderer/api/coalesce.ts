/**
 * Bursts of engine events become one refetch: the first event schedules work for the next
 * animation frame (or 100 ms later if frames are not running, e.g. a hidden window); events
 * before then ride along.
 */
export interface Coalescer {
  schedule(): void;
  cancel(): void;
}

export function createCoalescer(run: () => void): Coalescer {
  let frame: number | null = null;
  let timer: number | null = null;
  const cancel = () => {
    if (frame !== null) window.cancelAnimationFrame(frame);
    if (timer !== null) window.clearTimeout(timer);
    frame = null;
    timer = null;
  };
  const fire = () => {
    cancel();
    run();
  };
  return {
    schedule() {
      if (frame !== null || timer !== null) return;
      frame = window.requestAnimationFrame(fire);
      timer = window.setTimeout(fire, 100);
    },
    cancel,
  };
}
