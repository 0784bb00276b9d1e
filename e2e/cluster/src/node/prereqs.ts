// What the real node needs from the host, checked before anything starts so a missing
// package is one clear message instead of a half-started node.
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { CNI_BIN_DIR, CNI_PLUGINS } from "./plan.js";

const COMMANDS = [
  "containerd",
  "containerd-shim-runc-v2",
  "ctr",
  "runc",
  "iptables",
  "iptables-save",
  "iptables-restore",
  "ip",
  "buildah",
  "gcc",
  "tar",
] as const;

export const INSTALL_HINT =
  "apt-get install -y containerd runc containernetworking-plugins iptables buildah busybox-static gcc";

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** The missing commands and files, given PATH and a test for an executable file. */
export function missingPrerequisites(
  searchPath: string,
  isExecutable: (path: string) => boolean = executable,
): string[] {
  const dirs = searchPath.split(delimiter).filter(Boolean);
  const missing: string[] = COMMANDS.filter(
    (command) => !dirs.some((dir) => isExecutable(join(dir, command))),
  );
  for (const plugin of CNI_PLUGINS) {
    const path = join(CNI_BIN_DIR, plugin);
    if (!isExecutable(path)) missing.push(`${path} (CNI plugin)`);
  }
  if (!isExecutable("/bin/busybox")) missing.push("/bin/busybox (busybox-static)");
  return missing;
}

export function checkPrerequisites(): void {
  // sbin directories hold ip, iptables and runc but are not always on a user's PATH.
  const path = [process.env.PATH ?? "", "/usr/sbin", "/sbin"].join(delimiter);
  const missing = missingPrerequisites(path);
  const problems = [
    ...(missing.length > 0 ? [`missing: ${missing.join(", ")} (${INSTALL_HINT})`] : []),
    ...(process.getuid?.() === 0
      ? []
      : ["it must run as root (it manages mounts, cgroups and iptables)"]),
  ];
  if (problems.length > 0) {
    throw new Error(
      `the real node cannot start: ${problems.join("; ")}. Start without it: --no-real-node or KUBETUNE_REAL_NODE=false`,
    );
  }
}
