// Runs the cluster's own kubectl against a kubeconfig; errors carry kubectl's stderr.
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

export type Kubectl = (args: string[], input?: string) => Promise<string>;

export function kubectlFor(binary: string, kubeconfig: string): Kubectl {
  return async (args, input) => {
    const child = run(binary, [`--kubeconfig=${kubeconfig}`, ...args], {
      maxBuffer: 64 * 1024 * 1024,
    });
    if (input !== undefined) {
      child.child.stdin?.end(input);
    }
    try {
      return (await child).stdout;
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? "";
      throw new Error(
        `kubectl ${args.join(" ")} failed: ${stderr.trim() || (error as Error).message}`,
        { cause: error },
      );
    }
  };
}
