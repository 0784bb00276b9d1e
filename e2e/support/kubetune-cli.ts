// The kubetune CLI as a process (`node --import tsx operator/src/cli/kubetune.ts`, what the
// package's bin runs), with the test cluster as its current kubeconfig.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "../cluster/src/paths.js";

export function kubetune(kubeconfig: string, ...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", join(REPO_ROOT, "operator", "src", "cli", "kubetune.ts"), ...args],
    {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, KUBECONFIG: kubeconfig },
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
