// kubetune's deployable components: where each one's Dockerfile and sources are, which
// entry points its bundle has, and which packages stay outside the bundle because they
// load native code from their own package folder.

export const COMPONENTS = ["operator", "encoder", "llm", "router"] as const;
export type Component = (typeof COMPONENTS)[number];

export interface ComponentSpec {
  /** Folder of the component's package, relative to the repository root. */
  dir: string;
  /** Bundle file name (without .js) → TypeScript entry, relative to `dir`. */
  entries: Record<string, string>;
  /** Packages loaded from node_modules at run time (native code and what it imports). */
  external: readonly string[];
  /** The port the component listens on in a pod. */
  port: number;
}

export const COMPONENT_SPECS: Record<Component, ComponentSpec> = {
  operator: {
    dir: "operator",
    entries: { main: "src/main.ts", kubetune: "src/cli/kubetune.ts" },
    external: [],
    port: 8081,
  },
  encoder: {
    dir: "services/encoder",
    entries: {
      main: "src/main.ts",
      "session-worker": "src/model/session-worker.ts",
      "fetch-artifact": "src/fetch-artifact.ts",
    },
    // onnxruntime-common holds the backend registry onnxruntime-node registers in: one copy.
    external: ["onnxruntime-node", "onnxruntime-common", "tokenizers"],
    port: 8080,
  },
  llm: {
    dir: "services/llm",
    entries: { main: "src/main.ts", "fetch-artifact": "src/fetch-artifact.ts" },
    external: ["node-llama-cpp"],
    port: 8080,
  },
  router: {
    dir: "services/router",
    entries: { main: "src/main.ts" },
    external: [],
    port: 8080,
  },
};

export function isComponent(name: string): name is Component {
  return (COMPONENTS as readonly string[]).includes(name);
}

/** `kubetune/<component>:<version>`, the names the operator and chart use. */
export function imageRef(component: Component | "base", version: string): string {
  return `kubetune/${component}:${version}`;
}
