// Starts a router in process on 127.0.0.1:0 with its routing table in a temp file, and
// talks to it. Tables can be rewritten mid-test to exercise hot reload. Or as a process.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RoutingTable } from "@kubetune/api";
import { startServiceProcess } from "../../../e2e/support/service-process.js";
import type { ServiceProcess } from "../../../e2e/support/service-process.js";
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

/**
 * A routing-table file in `dir` and its writer, which replaces the file atomically (write +
 * rename, as a ConfigMap update does), so a router never reads half a table.
 */
export function tableFile(dir: string): { path: string; write: (table: unknown) => void } {
  const path = join(dir, "routing-table.json");
  let writes = 0;
  const write = (next: unknown) => {
    const temp = join(dir, `.table-${writes++}.json`);
    writeFileSync(temp, typeof next === "string" ? next : JSON.stringify(next));
    renameSync(temp, path);
  };
  return { path, write };
}

export async function startTestRouter(
  table: unknown,
  options: { adminToken?: string } = {},
): Promise<RouterUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), "kubetune-router-"));
  const { path: tablePath, write: writeTable } = tableFile(dir);
  writeTable(table);
  const router = await startRouter({
    config: tablePath,
    port: 0,
    host: "127.0.0.1",
    log: silentLogger,
    pollMs: 100,
    ...options,
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

/** `npm run router`'s entry point as a process on 127.0.0.1:0; its value is its base URL. */
export function startRouterProcess(
  config: string,
  env: Record<string, string> = {},
): Promise<ServiceProcess<string>> {
  return startServiceProcess({
    name: "router",
    main: join(import.meta.dirname, "..", "src", "main.ts"),
    args: ["--config", config, "--port", "0"],
    env,
    ready: (output) => {
      const port = /"msg":"Started router".*?"port":(\d+)/.exec(output)?.[1];
      return port === undefined ? undefined : `http://127.0.0.1:${port}`;
    },
    deadlineMs: 60_000,
  });
}
