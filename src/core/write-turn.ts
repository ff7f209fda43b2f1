/**
 * Whose turn it is to write to the indexes: one lock shared by the index workers through
 * shared memory. SQLite serializes writers too, but a writer that finds the database busy
 * sleeps 1, 2, 5, 10… ms before trying again; with small pieces the workers meet often and
 * those sleeps add up. Here a waiting worker wakes the moment the other one is done.
 */
const FREE = 0;
const TAKEN = 1;
/**
 * The turn only saves time; SQLite's own lock keeps writes safe. So a worker that waited this
 * long (the holder may have died mid-write) writes anyway rather than wait forever.
 */
const GIVE_UP_MS = 5_000;
const WAIT_SLICE_MS = 100;

export class WriteTurn {
  private readonly cell: Int32Array;

  /** `buffer` is shared by every worker of a pool (4 bytes). */
  constructor(buffer: SharedArrayBuffer) {
    this.cell = new Int32Array(buffer, 0, 1);
  }

  static createBuffer(): SharedArrayBuffer {
    return new SharedArrayBuffer(4);
  }

  /** Frees the turn whoever holds it: for a pool whose worker died mid-write. */
  static release(buffer: SharedArrayBuffer): void {
    const cell = new Int32Array(buffer, 0, 1);
    Atomics.store(cell, 0, FREE);
    Atomics.notify(cell, 0);
  }

  /** Runs `write` while holding the turn. */
  take<T>(write: () => T): T {
    let waitedMs = 0;
    while (Atomics.compareExchange(this.cell, 0, FREE, TAKEN) !== FREE) {
      if (waitedMs >= GIVE_UP_MS) return write();
      if (Atomics.wait(this.cell, 0, TAKEN, WAIT_SLICE_MS) === 'timed-out') waitedMs += WAIT_SLICE_MS;
    }
    try {
      return write();
    } finally {
      Atomics.store(this.cell, 0, FREE);
      Atomics.notify(this.cell, 0, 1);
    }
  }
}
