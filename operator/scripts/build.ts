// Builds the operator and the kubetune CLI into operator/dist as plain ESM JavaScript,
// the way they run in a container: `node operator/dist/main.js` (`npm run build`). Running through tsx
// costs about 60 MiB of resident memory for the transpiler and its caches, which the
// operator's memory budget cannot spare. kubetune's own workspace packages (TypeScript
// sources) are bundled in; third-party packages stay external and load from node_modules.
import { build } from "esbuild";
import type { Plugin } from "esbuild";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const operatorDir = fileURLToPath(new URL("..", import.meta.url));

/** The built operator entry point. */
export const OPERATOR_MAIN = join(operatorDir, "dist", "main.js");

const externalThirdParty: Plugin = {
  name: "external-third-party",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith("@kubetune/") ? undefined : { path: args.path, external: true },
    );
  },
};

export async function buildOperator(): Promise<void> {
  await build({
    absWorkingDir: operatorDir,
    entryPoints: { main: "src/main.ts", kubetune: "src/cli/kubetune.ts" },
    outdir: "dist",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "linked",
    plugins: [externalThirdParty],
    logLevel: "warning",
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildOperator();
