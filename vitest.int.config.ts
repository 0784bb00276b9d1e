// Integration suites (*.int.test.ts), in three projects. "cluster": real kube-apiserver,
// etcd, controller manager, scheduler and KWOK nodes, started once per run by the global
// setup. "services": component tests of the data-plane services (and the shared telemetry)
// against real local processes and servers; they need no cluster. "images": the container
// images built with buildah and checked from their OCI archives; no cluster either. Vitest
// runs a project's global setup only when files of that project run, so
// `vitest run --config vitest.int.config.ts services/router` starts none.
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
          // The lifecycle suite starts a real node of its own: vitest.lifecycle.config.ts.
          exclude: [
            "**/node_modules/**",
            "services/**",
            "telemetry/**",
            "images/**",
            "**/*.lifecycle.int.test.ts",
          ],
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
          include: ["services/**/*.int.test.ts", "telemetry/**/*.int.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 60_000,
          // A cold machine trains the project's models first (about a minute).
          hookTimeout: 10 * 60_000,
        },
      },
      {
        test: {
          name: "images",
          include: ["images/**/*.int.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 60_000,
          // A cold machine builds the base image and installs the workspace first.
          hookTimeout: 30 * 60_000,
        },
      },
    ],
  },
});
