/**
 * Entry of the `tracelight` command (bundled to out/main/cli.js, run by bin/tracelight.cjs):
 * parse the arguments, run one command, exit with its code.
 */
import { version } from '../../package.json';
import { createProcessIo } from './cli-io';
import type { CliIo } from './cli-io';
import { parseCliArgs, USAGE } from './parse-cli-args';
import { runOpen } from './run-open';
import { runServe } from './run-serve';
import { runSummary } from './run-summary';

async function runCli(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCliArgs(argv);
  if (!parsed.ok) {
    io.error(`tracelight: ${parsed.error}`);
    io.error('Run `tracelight --help` for usage.');
    return 2;
  }
  const cli = parsed.value;
  switch (cli.command) {
    case 'help':
      io.print(USAGE);
      return 0;
    case 'version':
      io.print(`tracelight ${version}`);
      return 0;
    case 'summary':
      return runSummary(cli.paths, cli.isJson, io);
    case 'serve':
      return runServe(cli.paths, cli.port, io);
    case 'open':
      return runOpen(cli.paths, cli.port, io);
  }
}

/** Exits once stdout and stderr are flushed, so a handle left open anywhere cannot keep the command alive. */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

const io = createProcessIo();
runCli(process.argv.slice(2), io).then(exitAfterFlush, (error: unknown) => {
  io.error(`tracelight: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exitAfterFlush(1);
});
