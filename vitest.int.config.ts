// Integration suites (*.int.test.ts): real kube-apiserver, etcd, controller manager,
// scheduler and KWOK nodes, started once per run by the global setup.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.int.test.ts"],
    exclude: ["**/node_modules/**"],
    globalSetup: ["e2e/support/global-setup.ts"],
    setupFiles: ["e2e/support/print-logs-on-failure.ts"],
    testTimeout: 90_000,
    // A cold cluster start builds the binaries from source first.
    hookTimeout: 60 * 60_000,
    // One cluster, many tests: run files one after another so their loads do not mix.
    fileParallelism: false,
  },
});
