// The real node's lifecycle suite: starts and stops a cluster of its own and checks that
// cluster:down leaves the host as it found it. Only one real node can run on a machine,
// so this runs alone, after test:int's shared cluster is down (npm run test:lifecycle).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.lifecycle.int.test.ts"],
    exclude: ["**/node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 20 * 60_000,
  },
});
