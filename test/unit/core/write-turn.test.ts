/**
 * The index workers' write turn, across real threads: writers never overlap, and a turn left
 * taken (a worker that died mid-write) delays the others but never blocks them forever.
 */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { WriteTurn } from '../../../src/core/write-turn';

/** A thread that takes the turn `rounds` times, recording in `log` when it is inside. */
const WRITER = `
const { workerData, parentPort } = require('node:worker_threads');
const { buffer, log, rounds, id } = workerData;
const cell = new Int32Array(buffer, 0, 1);
const entries = new Int32Array(log);
for (let r = 0; r < rounds; r++) {
  while (Atomics.compareExchange(cell, 0, 0, 1) !== 0) Atomics.wait(cell, 0, 1, 100);
  const inside = Atomics.add(entries, 0, 1);
  if (inside !== 0) Atomics.add(entries, 1, 1);
  for (let spin = 0; spin < 2000; spin++) Math.sqrt(spin);
  Atomics.sub(entries, 0, 1);
  Atomics.store(cell, 0, 0);
  Atomics.notify(cell, 0, 1);
}
parentPort.postMessage(id);
`;

describe('WriteTurn', () => {
  it('lets one writer in at a time, in this thread and others', async () => {
    const buffer = WriteTurn.createBuffer();
    const log = new SharedArrayBuffer(8);
    const entries = new Int32Array(log);
    const threads = [1, 2].map((id) => new Worker(WRITER, { eval: true, workerData: { buffer, log, rounds: 300, id } }));
    const turn = new WriteTurn(buffer);
    for (let r = 0; r < 300; r++) {
      turn.take(() => {
        if (Atomics.add(entries, 0, 1) !== 0) Atomics.add(entries, 1, 1);
        Atomics.sub(entries, 0, 1);
      });
    }
    await Promise.all(threads.map((thread) => new Promise((resolve) => thread.once('message', resolve))));
    expect(Atomics.load(entries, 1)).toBe(0);
  });

  it('writes anyway when the turn was left taken', () => {
    const buffer = WriteTurn.createBuffer();
    Atomics.store(new Int32Array(buffer), 0, 1);
    const started = Date.now();
    expect(new WriteTurn(buffer).take(() => 'written')).toBe('written');
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_900);
  }, 15_000);

  it('is freed by the pool when its holder died, so nobody waits for it', () => {
    const buffer = WriteTurn.createBuffer();
    Atomics.store(new Int32Array(buffer), 0, 1);
    WriteTurn.release(buffer);
    const started = Date.now();
    expect(new WriteTurn(buffer).take(() => 'written')).toBe('written');
    // Far below the 5 s a taken turn would cost.
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
