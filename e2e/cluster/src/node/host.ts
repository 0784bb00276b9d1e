// What the real node changes on the host, as snapshots we can diff: iptables rules and
// chains, mounts, network links and namespaces, and the kernel settings the kubelet,
// kube-proxy and the CNI bridge plugin may set. cluster:down removes (or restores) the
// difference it made; the leak test compares a before and an after snapshot.
import { readFileSync } from "node:fs";
import { run } from "./exec.js";

export interface HostSnapshot {
  /** `iptables-save` lines without counters, per family ("ipv4", "ipv6"). */
  iptables: Record<string, string[]>;
  mounts: string[];
  links: string[];
  netns: string[];
  sysctls: Record<string, string>;
}

/** Kernel settings the node's components are known to change; restored on cluster:down. */
export const WATCHED_SYSCTLS = [
  "net/ipv4/ip_forward",
  "net/bridge/bridge-nf-call-iptables",
  "net/ipv4/conf/all/route_localnet",
  "vm/overcommit_memory",
  "vm/panic_on_oom",
  "kernel/panic",
  "kernel/panic_on_oops",
  "kernel/keys/root_maxkeys",
  "kernel/keys/root_maxbytes",
] as const;

/** The mount points of /proc/self/mountinfo (field 5, with its octal escapes undone). */
export function parseMountPoints(mountinfo: string): string[] {
  return mountinfo
    .split("\n")
    .filter(Boolean)
    .map((line) =>
      (line.split(" ")[4] ?? "").replaceAll(/\\(\d{3})/g, (_, octal: string) =>
        String.fromCharCode(parseInt(octal, 8)),
      ),
    );
}

/** iptables-save output without comments, COMMITs and packet counters, so two runs compare. */
export function normaliseIptablesSave(text: string): string[] {
  return text
    .split("\n")
    .filter((line) => line && !line.startsWith("#") && line !== "COMMIT")
    .map((line) => line.replace(/ \[\d+:\d+\]$/, ""));
}

async function iptablesLines(command: string): Promise<string[]> {
  try {
    return normaliseIptablesSave(await run(command, []));
  } catch {
    return [];
  }
}

function readSysctl(name: string): string {
  try {
    return readFileSync(`/proc/sys/${name}`, "utf8").trim();
  } catch {
    return "";
  }
}

export async function hostSnapshot(): Promise<HostSnapshot> {
  const links = (await run("ip", ["-o", "link", "show"]))
    .split("\n")
    .map((line) => /^\d+: ([^:@]+)/.exec(line)?.[1] ?? "")
    .filter(Boolean);
  return {
    iptables: {
      ipv4: await iptablesLines("iptables-save"),
      ipv6: await iptablesLines("ip6tables-save"),
    },
    mounts: parseMountPoints(readFileSync("/proc/self/mountinfo", "utf8")),
    links,
    netns: (await run("ip", ["netns", "list"])).split("\n").filter(Boolean),
    sysctls: Object.fromEntries(WATCHED_SYSCTLS.map((name) => [name, readSysctl(name)])),
  };
}

const OURS = /(KUBE-|CNI-)/;

/**
 * An iptables-restore script (--noflush) that removes what appeared since `before` and is
 * the node's: chains named KUBE-* or CNI-*, and rules that jump to them or carry `marker`
 * (the CNI network name in the bridge plugin's comments). Nothing else is touched.
 */
export function iptablesUndo(before: string[], after: string[], marker: string): string {
  const script = [...ownAdditions(before, after, marker)]
    .filter(([, e]) => e.rules.length > 0 || e.chains.length > 0)
    .map(([name, e]) => {
      const ownChain = new Set(e.chains);
      const deletes = e.rules
        .filter((rule) => !ownChain.has(rule.split(" ")[1] ?? ""))
        .map((rule) => rule.replace(/^-A /, "-D "));
      return [
        `*${name}`,
        ...deletes,
        ...e.chains.map((c) => `-F ${c}`),
        ...e.chains.map((c) => `-X ${c}`),
        "COMMIT",
      ].join("\n");
    });
  return script.length > 0 ? `${script.join("\n")}\n` : "";
}

function classify(line: string, marker: string, entry: { rules: string[]; chains: string[] }) {
  const chain = /^:(\S+)/.exec(line)?.[1];
  if (chain && OURS.test(chain)) entry.chains.push(chain);
  else if (line.startsWith("-A ") && (OURS.test(line) || line.includes(marker)))
    entry.rules.push(line);
}

/** Per table, the node's chains and rules among the lines of `after` not in `before`. */
function ownAdditions(before: string[], after: string[], marker: string) {
  const existed = new Set(before);
  const tables = new Map<string, { rules: string[]; chains: string[] }>();
  let entry: { rules: string[]; chains: string[] } | undefined;
  for (const line of after) {
    if (line.startsWith("*")) {
      entry = { rules: [], chains: [] };
      tables.set(line.slice(1), entry);
    } else if (entry && !existed.has(line)) {
      classify(line, marker, entry);
    }
  }
  return tables;
}
