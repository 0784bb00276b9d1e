#!/usr/bin/env -S npx tsx
// The kubetune command line: `kubetune <command> [options]`.
import { processIo } from "./command.js";
import { commands } from "./commands.js";
import { runCli } from "./router.js";

process.exitCode = await runCli(process.argv.slice(2), commands, processIo());
