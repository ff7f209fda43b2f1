/**
 * The other process of the live-append benchmark: appends one compact OTel console span per
 * line to a file, one every --interval-ms (on an absolute schedule, so late timers do not
 * drift it), each with one write(2) of the whole line, and prints `WROTE <seq> <ms>` after
 * each, where <ms> is CLOCK_MONOTONIC taken just before the write (bench/live-span.ts).
 *
 * With --pair-gap-ms G the writes come in pairs instead: the second of each pair G ms after the
 * first, a pair every --interval-ms (a parent span ending shortly after its child).
 *
 *   node --import tsx bench/live-writer.ts --path FILE --count N --interval-ms M --start-us US
 *     [--first-seq S] [--pair-gap-ms G]
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { liveSpanLine, monotonicMs } from './live-span';

const { values } = parseArgs({
  options: {
    path: { type: 'string' },
    count: { type: 'string', default: '200' },
    'interval-ms': { type: 'string', default: '50' },
    'start-us': { type: 'string' },
    'first-seq': { type: 'string', default: '0' },
    'pair-gap-ms': { type: 'string' },
  },
});

const path = values.path!;
const count = Number(values.count);
const intervalMs = Number(values['interval-ms']);
const startUs = Number(values['start-us']);
const firstSeq = Number(values['first-seq']);
const pairGapMs = values['pair-gap-ms'] === undefined ? null : Number(values['pair-gap-ms']);
/** When write i is due, in ms after the start. */
const dueMs = (i: number) => (pairGapMs === null ? i * intervalMs : Math.floor(i / 2) * intervalMs + (i % 2) * pairGapMs);
const fd = openSync(path, 'a');
const out: string[] = [];
const begin = monotonicMs() + 100;

function writeOne(i: number): void {
  const seq = firstSeq + i;
  const bytes = Buffer.from(liveSpanLine(seq, startUs), 'latin1');
  const at = monotonicMs();
  let offset = 0;
  while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
  out.push(`WROTE ${seq} ${at}`);
}

function next(i: number): void {
  if (i >= count) {
    closeSync(fd);
    process.stdout.write(`${out.join('\n')}\nDONE\n`);
    return;
  }
  setTimeout(() => {
    writeOne(i);
    next(i + 1);
  }, Math.max(0, begin + dueMs(i) - monotonicMs()));
}

next(0);
