// Resolves the control-plane binaries through build-binaries.sh, which reuses a cached
// build of the pinned version, honours KUBEBUILDER_ASSETS and KUBETUNE_<NAME> overrides,
// and otherwise builds from the Go module proxy (minutes when cold).
import { spawn } from "node:child_process";
import { join } from "node:path";
import { CLUSTER_SOURCE_DIR } from "./paths.js";

export const COMPONENTS = [
  "etcd",
  "kube-apiserver",
  "kube-controller-manager",
  "kube-scheduler",
  "kubectl",
  "kwok",
] as const;

export type Component = (typeof COMPONENTS)[number];
export type Binaries = Record<Component, string>;

/** The real node's binaries (node/), built only when a cluster runs one. */
export const NODE_COMPONENTS = ["kubelet", "kube-proxy", "coredns"] as const;
export type NodeBinaries = Record<(typeof NODE_COMPONENTS)[number], string>;

const envName = (component: string) => `KUBETUNE_${component.toUpperCase().replaceAll("-", "_")}`;

/** Parses the script's `KUBETUNE_<NAME>=<path>` lines. */
export function parseBinaryPaths<const K extends string = Component>(
  stdout: string,
  components: readonly K[] = COMPONENTS as unknown as readonly K[],
): Record<K, string> {
  const lines = new Map(
    stdout
      .split("\n")
      .map((line) => line.trim().split("="))
      .filter((parts): parts is [string, string] => parts.length === 2),
  );
  const missing = components.filter((c) => !lines.get(envName(c)));
  if (missing.length > 0)
    throw new Error(`build-binaries.sh did not report: ${missing.join(", ")}`);
  return Object.fromEntries(components.map((c) => [c, lines.get(envName(c))])) as Record<K, string>;
}

/** Builds what is missing (progress goes to our stderr) and returns every binary's path. */
export async function resolveBinaries<const K extends string = Component>(
  components: readonly K[] = COMPONENTS as unknown as readonly K[],
): Promise<Record<K, string>> {
  const script = join(CLUSTER_SOURCE_DIR, "build-binaries.sh");
  const child = spawn("bash", [script, ...components], { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) {
    throw new Error(
      `building the control-plane binaries failed (exit ${code}); is Go installed? see the log above`,
    );
  }
  return parseBinaryPaths(stdout, components);
}
