// The kubetune subcommands, in the order `kubetune --help` lists them. A new subcommand
// is a file exporting a Command (or a list of them), added here.
import type { Command } from "./command.js";
import { kubeconfigCluster } from "./cluster.js";
import { estimateCommand } from "./estimate-command.js";
import { servingCommands } from "./serving-commands.js";

export const commands: readonly Command[] = [
  estimateCommand,
  ...servingCommands(kubeconfigCluster),
];
