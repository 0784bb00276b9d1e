// Dispatches `kubetune <command> [args]` to the command of that name.
import type { CliIo, Command } from "./command.js";
import { CliError, ExitCode } from "./command.js";

const HELP = new Set(["help", "--help", "-h"]);

export function overview(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    "Usage: kubetune <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run kubetune <command> --help for a command's options.",
  ].join("\n");
}

export async function runCli(
  argv: readonly string[],
  commands: readonly Command[],
  io: CliIo,
): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.err(overview(commands));
    return ExitCode.Usage;
  }
  if (HELP.has(name)) {
    io.out(overview(commands));
    return ExitCode.Ok;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    const known = commands.map((c) => c.name).join(", ");
    io.err(`Unknown command "${name}"; kubetune knows: ${known}. Run kubetune --help for usage.`);
    return ExitCode.Usage;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    io.err(error.message);
    return error.exitCode;
  }
}
