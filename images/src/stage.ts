// Run by the Dockerfiles' build stage (repository at the working directory):
//   tsx images/src/stage.ts deps <component> <out>    native packages → <out>/node_modules
//   tsx images/src/stage.ts bundle <component> <out>  the bundle → <out>
// Two steps, so the dependency layer is cached while only sources change.
import { cp, mkdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { bundleComponent } from "./bundle.js";
import type { LockPackages } from "./closure.js";
import { dependencyClosure } from "./closure.js";
import type { Component } from "./components.js";
import { COMPONENT_SPECS, isComponent } from "./components.js";
import { leftOut } from "./prune.js";

/** Where a lockfile path goes under the image's /app: workspace-local packages are hoisted. */
export function imagePath(lockPath: string, workspaceDir: string): string {
  const local = `${workspaceDir}/`;
  return lockPath.startsWith(local) ? lockPath.slice(local.length) : lockPath;
}

async function copyDependencies(root: string, component: Component, out: string): Promise<void> {
  const spec = COMPONENT_SPECS[component];
  const lock = JSON.parse(await readFile(join(root, "package-lock.json"), "utf8")) as {
    packages: LockPackages;
  };
  await mkdir(join(out, "node_modules"), { recursive: true });
  const targets = new Set<string>();
  for (const lockPath of dependencyClosure(lock.packages, spec.dir, spec.external)) {
    const target = imagePath(lockPath, spec.dir);
    if (targets.has(target)) throw new Error(`two packages would be copied to ${target}`);
    targets.add(target);
    const from = join(root, lockPath);
    await cp(from, join(out, target), {
      recursive: true,
      // Nested node_modules are packages of their own, copied when the closure has them.
      filter: (source) => {
        const inside = relative(from, source).split(sep).join("/");
        return !inside.startsWith("node_modules") && !leftOut(`${lockPath}/${inside}`);
      },
    });
  }
  console.log(`${component}: ${targets.size} packages in ${join(out, "node_modules")}`);
}

async function main(argv: readonly string[]): Promise<void> {
  const [step, component, out] = argv;
  if ((step !== "deps" && step !== "bundle") || !component || !isComponent(component) || !out) {
    throw new Error("usage: stage.ts deps|bundle <operator|encoder|llm|router> <out dir>");
  }
  const root = process.cwd();
  if (step === "deps") await copyDependencies(root, component, out);
  else await bundleComponent(root, component, out);
}

if (process.argv[1] === import.meta.filename) {
  await main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
