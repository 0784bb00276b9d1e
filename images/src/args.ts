// `npm run images -- [components…] [--import] [--name N] [--no-cache] [--base-only]`
import { parseArgs } from "node:util";
import type { Component } from "./components.js";
import { COMPONENTS, isComponent } from "./components.js";

export const USAGE = `usage: npm run images -- [operator|encoder|llm|router …] [--import [--name <cluster>]] [--no-cache] [--base-only]
  Builds the named images (all when none is named) into OCI archives under the cache;
  --import then loads them into the local cluster's containerd (npm run cluster:import).`;

export interface ImagesOptions {
  components: Component[];
  import: boolean;
  cluster: string | undefined;
  noCache: boolean;
  baseOnly: boolean;
}

export function parseImagesArgs(argv: readonly string[]): ImagesOptions {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: {
      import: { type: "boolean", default: false },
      name: { type: "string" },
      "no-cache": { type: "boolean", default: false },
      "base-only": { type: "boolean", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const named = positionals.flatMap((p) => p.split(",")).filter(Boolean);
  const unknown = named.filter((name) => !isComponent(name));
  if (unknown.length > 0) {
    throw new Error(`unknown component ${unknown.join(", ")}: expected ${COMPONENTS.join(", ")}`);
  }
  if (values.name !== undefined && !values.import) throw new Error("--name needs --import");
  // Always in the same order, each once, whatever order they were named in.
  const components = COMPONENTS.filter((c) => named.length === 0 || named.includes(c));
  return {
    components: values["base-only"] ? [] : components,
    import: values.import,
    cluster: values.name,
    noCache: values["no-cache"],
    baseOnly: values["base-only"],
  };
}

/** `npm run cluster:import -- [--name N] <archives…>`'s arguments. */
export function importArgs(cluster: string | undefined, archives: readonly string[]): string[] {
  return [
    "run",
    "--silent",
    "cluster:import",
    "--",
    ...(cluster === undefined ? [] : ["--name", cluster]),
    ...archives,
  ];
}
