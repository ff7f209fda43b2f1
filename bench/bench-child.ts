/**
 * One measurement in a process of its own, started by run-bench.ts as
 * `node --import tsx bench/bench-child.ts <mode> --path FILE [--form F] [--cache DIR]`.
 * Prints exactly one line `BENCH_RESULT {json}` on stdout (everything else goes to stderr) and
 * reports the process's peak RSS (VmHWM) at the end, so each figure belongs to one engine run.
 *
 * Modes:
 *   baseline        the simplest possible program: read the file in 8 MB chunks and JSON.parse
 *                   each record (compact: split on "\n"; pretty: a record ends at a line that is
 *                   exactly "}"). Two passes; the faster counts.
 *   ingest          TraceService with a fresh cache: openPath -> whenIdle, then the index size.
 *   first-sessions  openPath, then poll listSessions every 2 ms until it returns a row; exits
 *                   without waiting for the rest of the file.
 *   reopen          same cache as a finished ingest: openPath -> whenIdle -> a sessions page.
 *   waterfall-query same cache as a finished ingest: getWaterfall of --session, cold and warm.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { StringDecoder } from 'node:string_decoder';
import { parseArgs } from 'node:util';
import { TraceService } from '../src/core/trace-service';

const CHUNK_BYTES = 8 * 1024 * 1024;
const POLL_MS = 2;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    path: { type: 'string' },
    form: { type: 'string', default: 'compact' },
    cache: { type: 'string' },
    passes: { type: 'string', default: '2' },
    session: { type: 'string' },
  },
});

/** Peak and current resident set size of this process, in MB, from /proc/self/status. */
function memoryMb(): { peakRssMb: number; rssMb: number } {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { peakRssMb: kb('VmHWM') / 1024, rssMb: kb('VmRSS') / 1024 };
}

/** Bytes of the index databases in a cache folder: *.sqlite and their -wal files. */
function indexBytes(cacheDir: string): { bytes: number; files: Record<string, number> } {
  const files: Record<string, number> = {};
  let bytes = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.sqlite(-wal)?$/.test(entry.name)) {
        const size = statSync(full).size;
        files[full.slice(cacheDir.length + 1)] = size;
        bytes += size;
      }
    }
  };
  walk(cacheDir);
  return { bytes, files };
}

function finish(result: Record<string, unknown>): never {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify({ ...result, ...memoryMb() })}\n`);
  process.exit(0);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One pass of the bare program; returns records parsed and the time taken. */
function bareParse(path: string, form: string): { records: number; bytes: number; ms: number } {
  // compact: one record per line; pretty: json.dumps(indent=4) objects back to back, each
  // closed by a line that is exactly "}".
  const separator = form === 'pretty' ? '\n}\n' : '\n';
  const keep = form === 'pretty' ? 2 : 0; // the "\n}" belongs to the record
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  const decoder = new StringDecoder('utf8');
  const fd = openSync(path, 'r');
  let records = 0;
  let bytes = 0;
  let named = 0;
  let tail = '';
  const start = performance.now();
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK_BYTES, null);
      if (n === 0) break;
      bytes += n;
      const text = tail + decoder.write(buffer.subarray(0, n));
      let from = 0;
      for (;;) {
        const at = text.indexOf(separator, from);
        if (at === -1) break;
        const record = text.slice(from, at + keep);
        from = at + separator.length;
        if (record.length === 0) continue;
        const value = JSON.parse(record) as { name?: unknown };
        if (value.name !== undefined) named++;
        records++;
      }
      tail = text.slice(from);
    }
    const rest = (tail + decoder.end()).trim();
    if (rest.length > 0) {
      JSON.parse(rest);
      records++;
    }
  } finally {
    closeSync(fd);
  }
  const ms = performance.now() - start;
  if (named !== records) throw new Error(`baseline: ${records - named} records without a name`);
  return { records, bytes, ms };
}

async function main(): Promise<void> {
  const mode = positionals[0];
  const path = values.path;
  if (!path) throw new Error('--path is required');
  const sizeBytes = statSync(path).size;

  if (mode === 'baseline') {
    const passes = [];
    for (let i = 0; i < Number(values.passes); i++) passes.push(bareParse(path, values.form!));
    const best = passes.reduce((a, b) => (b.ms < a.ms ? b : a));
    finish({
      mode,
      form: values.form,
      sizeBytes,
      records: best.records,
      ms: best.ms,
      passMs: passes.map((p) => p.ms),
      mbPerSec: sizeBytes / 1048576 / (best.ms / 1000),
    });
  }

  const cacheDir = values.cache;
  if (!cacheDir) throw new Error('--cache is required');
  const service = new TraceService({ cacheDir, watch: false });

  if (mode === 'ingest' || mode === 'reopen') {
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const start = performance.now();
    const opened = await service.openPath({ path });
    if (!opened.ok) throw new Error(opened.error);
    const openMs = performance.now() - start;
    await service.whenIdle();
    const idleMs = performance.now() - start;
    let page = await service.listSessions({ offset: 0, limit: 50 });
    while (page.rows.length === 0 && performance.now() - start < 60_000) {
      await sleep(POLL_MS);
      page = await service.listSessions({ offset: 0, limit: 50 });
    }
    const ms = performance.now() - start;
    loopDelay.disable();
    const [info] = await service.listSources();
    const totals = (await service.summarize()).totals;
    const whileOpen = indexBytes(cacheDir);
    await service.close();
    const afterClose = indexBytes(cacheDir);
    finish({
      mode,
      sizeBytes,
      openMs,
      idleMs,
      ms,
      mbPerSec: sizeBytes / 1048576 / (idleMs / 1000),
      sessionsShown: page.rows.length,
      firstSessionId: page.rows[0]?.sessionId ?? null,
      info,
      totals,
      indexBytes: whileOpen.bytes,
      indexFiles: whileOpen.files,
      indexBytesAfterClose: afterClose.bytes,
      eventLoopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      eventLoopDelayMaxMs: loopDelay.max / 1e6,
    });
  }

  if (mode === 'waterfall-query') {
    // The engine's side of opening a big session: its first window, cold (tree not built
    // yet) and warm, on an index that is already complete.
    const opened = await service.openPath({ path });
    if (!opened.ok) throw new Error(opened.error);
    await service.whenIdle();
    const sourceId = opened.value[0].sourceId;
    const sessionId = values.session!;
    const times: number[] = [];
    let totalRows = 0;
    for (let i = 0; i < 3; i++) {
      const start = performance.now();
      const window = await service.getWaterfall({ sourceId, sessionId, collapsedKeys: [], offset: 0, limit: 200 });
      times.push(performance.now() - start);
      if (!window.ok) throw new Error(window.error);
      totalRows = window.value.totalRows;
    }
    const start = performance.now();
    const middle = await service.getWaterfall({ sourceId, sessionId, collapsedKeys: [], offset: Math.floor(totalRows / 2), limit: 200 });
    const middleMs = performance.now() - start;
    if (!middle.ok) throw new Error(middle.error);
    await service.close();
    finish({ mode, sizeBytes, ms: times[0], coldMs: times[0], warmMs: Math.min(...times.slice(1)), middleMs, totalRows, mbPerSec: NaN });
  }

  if (mode === 'first-sessions') {
    const start = performance.now();
    let openMs = -1;
    let openError: string | null = null;
    void service.openPath({ path }).then((opened) => {
      openMs = performance.now() - start;
      if (!opened.ok) openError = opened.error;
    });
    let polls = 0;
    for (;;) {
      polls++;
      const page = await service.listSessions({ offset: 0, limit: 50 });
      const now = performance.now();
      if (page.rows.length > 0) {
        const [info] = await service.listSources();
        finish({ mode, sizeBytes, ms: now - start, openMs, polls, rows: page.rows.length, total: page.total, bytesRead: info?.bytesRead ?? null });
      }
      if (openError) throw new Error(openError);
      if (now - start > 120_000) throw new Error('no sessions after 120 s');
      await sleep(POLL_MS);
    }
  }

  throw new Error(`unknown mode ${mode}`);
}

main().catch((error) => {
  process.stderr.write(`bench-child: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
