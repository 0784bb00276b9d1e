// What every kubetune subcommand is: a name, a one-line summary for the command list,
// its usage text, and a run function over argument strings and injected I/O.
import { readFileSync } from "node:fs";

export interface CliIo {
  /** Writes one line (or block) to standard output. */
  out(text: string): void;
  /** Writes one line (or block) to standard error. */
  err(text: string): void;
  /** Reads a UTF-8 file; throws the file system's error when it cannot. */
  readFile(path: string): string;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit code. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Exit codes shared by all subcommands. */
export const ExitCode = {
  Ok: 0,
  /** The answer is no: invalid input, or the request cannot be met. */
  Failed: 1,
  /** Bad usage or an unreadable file. */
  Usage: 2,
} as const;

/** An error whose message is a sentence for the user, with the exit code it ends with. */
export class CliError extends Error {
  override readonly name = "CliError";
  readonly exitCode: number;

  constructor(message: string, exitCode: number = ExitCode.Failed) {
    super(message);
    this.exitCode = exitCode;
  }
}

export function usageError(message: string, usage: string): CliError {
  return new CliError(`${message}\n\n${usage}`, ExitCode.Usage);
}

/** Reads a file named on the command line; a failure is a usage error (exit 2). */
export function readInputFile(io: CliIo, path: string): string {
  try {
    return io.readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new CliError(`Cannot read ${path}: ${reason}.`, ExitCode.Usage);
  }
}

export function processIo(): CliIo {
  return {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    readFile: (path) => readFileSync(path, "utf8"),
  };
}
