/** Where the CLI writes and where it runs; a seam so commands can be tested without a process. */
export interface CliIo {
  cwd: string;
  /** One line (or block) to stdout. */
  print(text: string): void;
  /** One line to stderr. */
  error(text: string): void;
}

/** The real process's streams and working directory. */
export function createProcessIo(): CliIo {
  return {
    cwd: process.cwd(),
    print: (text) => void process.stdout.write(`${text}\n`),
    error: (text) => void process.stderr.write(`${text}\n`),
  };
}
