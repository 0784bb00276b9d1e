// The operator as a separate process (the way it runs in a pod), for the sandbox and
// the benchmarks: built first, then `node operator/dist/main.js` with the given
// kubeconfig and settings, as in the container image.
import { spawn } from "node:child_process";
import type { ChildProcess, StdioOptions } from "node:child_process";
import { OPERATOR_MAIN, buildOperator } from "../../operator/scripts/build.js";

export async function spawnOperator(
  kubeconfig: string,
  settings: Record<string, string>,
  stdio: StdioOptions,
): Promise<ChildProcess> {
  await buildOperator();
  return spawn(process.execPath, ["--enable-source-maps", OPERATOR_MAIN], {
    stdio,
    env: { ...process.env, KUBECONFIG: kubeconfig, ...settings },
  });
}
