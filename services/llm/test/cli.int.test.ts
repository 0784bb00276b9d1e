// The llm's command line: a bad flag is a message and exit code 2, never a stack trace.
import { join } from "node:path";
import { describeCommandLine } from "../../../e2e/support/command-line.js";

describeCommandLine("llm", join(import.meta.dirname, "..", "src", "main.ts"));
