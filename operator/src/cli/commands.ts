// The kubetune subcommands, in the order `kubetune --help` lists them. A new subcommand
// (promote, rollback, status, versions) is a file exporting a Command, added here.
import type { Command } from "./command.js";
import { estimateCommand } from "./estimate-command.js";

export const commands: readonly Command[] = [estimateCommand];
