// Starts a router in process on 127.0.0.1:0 with its routing table in a temp file, and
// talks to it. Tables can be rewritten mid-test to exercise hot reload.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RoutingTable } from "@kubetune/api";
import { silentLogger } from "../src/log.js";
import { startRouter } from "../src/router.js";
import type { Router } from "../src/router.js";

export interface RouterUnderTest {
  readonly router: Router;
  readonly url: string;
  readonly tablePath: string;
  /** Replaces the table file atomically (write + rename, as a ConfigMap update does). */
  writeTable(table: unknown): void;
  /** Rewrites the file and waits until the router reports the given generation. */
  applyTable(table: RoutingTable): Promise<void>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  metric(name: string, labels?: Record<string, string>): Promise<number>;
  close(): Promise<void>;
}

export async function startTestRouter(table: unknown): Promise<RouterUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), "kubetune-router-"));
  const tablePath = join(dir, "routing-table.json");
  let writes = 0;
  const writeTable = (next: unknown) => {
    const temp = join(dir, `.table-${writes++}.json`);
    writeFileSync(temp, typeof next === "string" ? next : JSON.stringify(next));
    renameSync(temp, tablePath);
  };
  writeTable(table);
  const router = await startRouter({
    config: tablePath,
    port: 0,
    host: "127.0.0.1",
    log: silentLogger,
    pollMs: 100,
  });
  const url = `http://127.0.0.1:${router.port}`;
  return {
    router,
    url,
    tablePath,
    writeTable,
    applyTable: async (next) => {
      writeTable(next);
      const deadline = Date.now() + 5_000;
      while (router.source.current()?.generation !== next.generation) {
        if (Date.now() > deadline) throw new Error(`generation ${next.generation} not applied`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    post: (path, body, headers = {}) =>
      fetch(`${url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    metric: async (name, labels = {}) => {
      const metric = await router.metrics.registry.getSingleMetric(name)?.get();
      const matches = (metric?.values ?? []).filter((v) =>
        Object.entries(labels).every(
          ([k, want]) => String((v.labels as Record<string, unknown>)[k]) === want,
        ),
      );
      return matches.reduce((sum, v) => sum + v.value, 0);
    },
    close: async () => {
      await router.stop(1_000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function classifyBody(texts: string[]): { documents: { id: string; text: string }[] } {
  return { documents: texts.map((text, i) => ({ id: `d${i}`, text })) };
}
