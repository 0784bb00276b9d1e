// Unit and API tests: fast, no cluster, no network. Integration (*.int.test.ts) and
// e2e (*.e2e.test.ts) suites get their own configs when they arrive.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/*.int.test.ts", "**/*.e2e.test.ts"],
    pool: "threads",
  },
});
