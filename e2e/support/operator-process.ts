// The operator as a separate process (the way it runs in a pod), for the sandbox and
// the benchmarks: `tsx operator/src/main.ts` with the given kubeconfig and settings.
import { spawn } from "node:child_process";
import type { ChildProcess, StdioOptions } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../cluster/src/paths.js";

export function spawnOperator(
  kubeconfig: string,
  settings: Record<string, string>,
  stdio: StdioOptions,
): ChildProcess {
  return spawn(
    process.execPath,
    ["--import", "tsx", join(REPO_ROOT, "operator", "src", "main.ts")],
    {
      stdio,
      env: { ...process.env, KUBECONFIG: kubeconfig, ...settings },
    },
  );
}
