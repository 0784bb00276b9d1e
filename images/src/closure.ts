// Which installed packages a component's native dependencies need at run time, read from
// package-lock.json the way Node resolves them (nearest node_modules first), for
// linux-x64 glibc only, and without GPU builds or builds for other CPUs: the image is CPU-only.

export interface LockEntry {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  dev?: boolean;
}

export type LockPackages = Record<string, LockEntry>;

/** GPU builds of native packages (llama.cpp's CUDA and Vulkan builds, Metal on macOS). */
const GPU_PACKAGE = /(?:^|[-/])(?:cuda|cuda-ext|vulkan|metal|rocm|directml)(?:$|[-/])/;

/**
 * Builds for other CPUs. node-llama-cpp's arm packages also list x64 in their `cpu`
 * (so npm installs them on x64 for cross-building), hence a name rule beside `cpu`.
 */
const OTHER_CPU_PACKAGE = /(?:^|[-/])(?:arm64|armv7l|riscv64|ia32|s390x|ppc64)(?:$|[-/])/;

function allows(list: string[] | undefined, value: string): boolean {
  if (list === undefined) return true;
  if (list.includes(`!${value}`)) return false;
  return list.some((v) => v === value) || list.every((v) => v.startsWith("!"));
}

/** Whether npm would install the package on linux-x64 with glibc, and it is not a GPU build. */
export function fitsImage(path: string, entry: LockEntry): boolean {
  const name = packageName(path);
  return (
    !GPU_PACKAGE.test(name) &&
    !OTHER_CPU_PACKAGE.test(name) &&
    allows(entry.os, "linux") &&
    allows(entry.cpu, "x64") &&
    allows(entry.libc, "glibc")
  );
}

/** "node_modules/a/node_modules/@s/b" → "@s/b". */
export function packageName(path: string): string {
  const at = path.lastIndexOf("node_modules/");
  return at < 0 ? path : path.slice(at + "node_modules/".length);
}

/** The lockfile path `name` resolves to from the package at `from` ("" is the root). */
export function resolveFrom(
  packages: LockPackages,
  from: string,
  name: string,
): string | undefined {
  let dir = from;
  for (;;) {
    const candidate = `${dir === "" ? "" : `${dir}/`}node_modules/${name}`;
    if (candidate in packages) return candidate;
    if (dir === "") return undefined;
    const parent = dir.lastIndexOf("/node_modules/");
    dir = parent < 0 ? "" : dir.slice(0, parent);
  }
}

function requiredNames(entry: LockEntry): { name: string; optional: boolean }[] {
  const peers = Object.keys(entry.peerDependencies ?? {}).filter(
    (name) => entry.peerDependenciesMeta?.[name]?.optional !== true,
  );
  return [
    ...Object.keys(entry.dependencies ?? {}).map((name) => ({ name, optional: false })),
    ...peers.map((name) => ({ name, optional: false })),
    ...Object.keys(entry.optionalDependencies ?? {}).map((name) => ({ name, optional: true })),
  ];
}

/**
 * Every lockfile path (e.g. "node_modules/onnxruntime-node") the roots need, roots
 * included, resolved from `from` (the component's workspace folder), sorted.
 */
export function dependencyClosure(
  packages: LockPackages,
  from: string,
  roots: readonly string[],
): string[] {
  const found = new Set<string>();
  const visit = (at: string, name: string, optional: boolean) => {
    const path = resolveFrom(packages, at, name);
    if (path === undefined) {
      if (optional) return;
      throw new Error(`${name} (needed from ${at || "the root"}) is not in package-lock.json`);
    }
    const entry = packages[path] ?? {};
    if (found.has(path) || !fitsImage(path, entry)) return;
    found.add(path);
    for (const dep of requiredNames(entry)) visit(path, dep.name, dep.optional);
  };
  for (const root of roots) visit(from, root, false);
  return [...found].sort();
}
