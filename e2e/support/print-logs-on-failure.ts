// Vitest setup file: when a test fails, print the tail of every control-plane component's
// log, so a CI failure shows what the cluster was doing.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterEach, inject } from "vitest";
import { tail } from "../cluster/src/component.js";

afterEach(({ task }) => {
  const dir = inject("clusterLogDir");
  if (task.result?.state !== "fail" || !dir) return;
  for (const file of readdirSync(dir)) {
    console.error(`--- ${file} (last 40 lines)\n${tail(join(dir, file), 40)}`);
  }
});
