// A component's bundle: its TypeScript and every pure-JavaScript dependency in plain ESM
// files under one folder, so the image carries no node_modules except the native
// packages (COMPONENT_SPECS[c].external) and what they import.
import { build } from "esbuild";
import type { Plugin } from "esbuild";
import { join } from "node:path";
import type { Component } from "./components.js";
import { COMPONENT_SPECS } from "./components.js";

// Bundled CommonJS packages call require() for Node built-ins; in an ESM bundle that
// require must exist, so each output file gets one made for its own location.
const REQUIRE_BANNER =
  'import { createRequire as __kubetuneCreateRequire } from "node:module";\n' +
  "const require = __kubetuneCreateRequire(import.meta.url);";

/** Marks a package and its subpaths external ("tokenizers", "onnxruntime-node/dist/x"). */
export function externalFilter(packages: readonly string[]): RegExp | undefined {
  if (packages.length === 0) return undefined;
  const escaped = packages.map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
  return new RegExp(`^(?:${escaped.join("|")})(?:/.*)?$`);
}

function externalPackages(packages: readonly string[]): Plugin {
  const filter = externalFilter(packages);
  return {
    name: "external-native-packages",
    setup(b) {
      if (filter) b.onResolve({ filter }, (args) => ({ path: args.path, external: true }));
    },
  };
}

/** Writes `<outDir>/<entry>.js` (+ shared chunks and source maps) for the component. */
export async function bundleComponent(
  repoRoot: string,
  component: Component,
  outDir: string,
): Promise<void> {
  const spec = COMPONENT_SPECS[component];
  await build({
    absWorkingDir: join(repoRoot, spec.dir),
    entryPoints: spec.entries,
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "linked",
    banner: { js: REQUIRE_BANNER },
    plugins: [externalPackages(spec.external)],
    logLevel: "warning",
  });
}
