// Integration suites (*.int.test.ts), in two projects:
// - "cluster": real kube-apiserver, etcd, controller manager, scheduler and KWOK nodes,
//   started once per run by the global setup;
// - "services": the inference services on real models the project builds (no cluster),
//   so `npx vitest run --config vitest.int.config.ts services/llm` starts no cluster
//   (a project's global setup only runs when it has files to run).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // One cluster, many tests: run files one after another so their loads do not mix.
    // The services suites share the two cores too.
    fileParallelism: false,
    projects: [
      {
        test: {
          name: "cluster",
          include: ["**/*.int.test.ts"],
          exclude: ["**/node_modules/**", "services/**"],
          globalSetup: ["e2e/support/global-setup.ts"],
          setupFiles: ["e2e/support/print-logs-on-failure.ts"],
          testTimeout: 90_000,
          // A cold cluster start builds the binaries from source first.
          hookTimeout: 60 * 60_000,
        },
      },
      {
        test: {
          name: "services",
          include: ["services/**/*.int.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 60_000,
          // The first run builds the tiny model (seconds) and loads llama.cpp.
          hookTimeout: 5 * 60_000,
        },
      },
    ],
  },
});
