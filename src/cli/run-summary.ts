/**
 * `tracelight summary`: reads every path once (no watching), waits until the engine is idle
 * and prints what it found. Exit code 0 when any span was read, 1 when nothing could be.
 */
import { TraceService } from '../core/trace-service';
import { checkPaths } from './check-paths';
import type { CliIo } from './cli-io';
import { formatSummary } from './format-summary';

/** Runs the summary command; resolves with the exit code. */
export async function runSummary(paths: string[], isJson: boolean, io: CliIo): Promise<number> {
  const { found, problems } = await checkPaths(paths, io.cwd);
  for (const problem of problems) io.error(`tracelight: ${problem}`);
  if (found.length === 0) {
    io.error('tracelight: nothing to read');
    return 1;
  }
  const service = new TraceService({ watch: false });
  try {
    for (const path of found) {
      const opened = await service.openPath({ path });
      if (!opened.ok) io.error(`tracelight: cannot open ${JSON.stringify(path)}: ${opened.error}`);
    }
    await service.whenIdle();
    const report = await service.summarize();
    io.print(isJson ? JSON.stringify(report, null, 2) : formatSummary(report, io.cwd));
    if (report.totals.spans === 0) {
      io.error('tracelight: no spans could be read from the given paths');
      return 1;
    }
    return 0;
  } finally {
    await service.close();
  }
}
