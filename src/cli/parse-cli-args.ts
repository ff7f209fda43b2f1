/**
 * The `tracelight` command line, parsed into one of five commands. Pure: no I/O, so every
 * accepted and refused form is a small test case.
 */
import { parseArgs } from 'node:util';

export type CliCommand =
  | { command: 'open'; paths: string[]; port: number }
  | { command: 'serve'; paths: string[]; port: number }
  | { command: 'summary'; paths: string[]; isJson: boolean }
  | { command: 'help' }
  | { command: 'version' };

export type ParsedCli = { ok: true; value: CliCommand } | { ok: false; error: string };

export const USAGE = `Usage:
  tracelight [paths...]                  open traces in the desktop app (in a browser where
                                         Electron is not installed)
  tracelight serve [paths...] [--port N] serve the viewer to a browser on 127.0.0.1
  tracelight summary <paths...> [--json] read the paths once and print what they contain

Options:
  --port N        port to serve on (default 0: any free port)
  --json          summary: print one JSON object and nothing else
  -h, --help      show this help
  -v, --version   print the version

Paths are trace files (JSONL, JSON, OTel console dumps, ...) or folders of them.
Use "--" before paths that start with "-", and "./serve" for a file named serve.
Indexes are cached in $TRACELIGHT_CACHE_DIR (default ~/.cache/tracelight).`;

/** Parses argv (without node and the script); never throws. */
export function parseCliArgs(argv: string[]): ParsedCli {
  let parsed: ReturnType<typeof parseWithNode>;
  try {
    parsed = parseWithNode(argv);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const { values, positionals } = parsed;
  if (values.help) return { ok: true, value: { command: 'help' } };
  if (values.version) return { ok: true, value: { command: 'version' } };

  const first = positionals[0];
  const command = first === 'serve' || first === 'summary' ? first : 'open';
  const paths = command === 'open' ? positionals : positionals.slice(1);

  if (command === 'summary') {
    if (values.port !== undefined) return { ok: false, error: '--port is for `tracelight serve`' };
    if (paths.length === 0) return { ok: false, error: '`tracelight summary` needs at least one path' };
    return { ok: true, value: { command, paths, isJson: values.json === true } };
  }
  if (values.json) return { ok: false, error: '--json is for `tracelight summary`' };
  const port = parsePort(values.port);
  if (port === null) return { ok: false, error: `--port must be a whole number from 0 to 65535, not ${JSON.stringify(values.port)}` };
  return { ok: true, value: { command, paths, port } };
}

function parseWithNode(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: 'string', short: 'p' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

function parsePort(text: string | undefined): number | null {
  if (text === undefined) return 0;
  if (!/^\d{1,5}$/.test(text)) return null;
  const port = Number(text);
  return port <= 65535 ? port : null;
}
