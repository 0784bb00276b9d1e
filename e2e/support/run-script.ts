// A TypeScript entry point run to completion as a real process (`node --import tsx`),
// with its exit code and output, for command-line tools under test.
import { execFile } from "node:child_process";

export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runScript(main: string, args: readonly string[]): Promise<ScriptResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", main, ...args], (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}
