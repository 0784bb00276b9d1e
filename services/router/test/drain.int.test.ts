// The router as a real process (the npm run router command): SIGTERM lets an in-flight
// request finish, refuses nothing it had accepted, and exits 0.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBackend } from "./backends.js";
import type { Backend } from "./backends.js";
import type { ServiceProcess } from "../../../e2e/support/service-process.js";
import { classifyBody, startRouterProcess } from "./harness.js";
import { tableDocument } from "./tables.js";

const root = join(import.meta.dirname, "..", "..", "..");
let backend: Backend;
let dir: string;

beforeAll(async () => {
  backend = await startBackend({ name: "slow" });
  dir = mkdtempSync(join(tmpdir(), "kubetune-router-drain-"));
});

afterAll(async () => {
  for (const router of started) await router.stop();
  await backend.close();
  rmSync(dir, { recursive: true, force: true });
});

const started: ServiceProcess<string>[] = [];
async function startProcess(config: string): Promise<ServiceProcess<string>> {
  const router = await startRouterProcess(config);
  started.push(router);
  return router;
}

describe("the router process", () => {
  it("when started on the example table, serves it: routes, model metadata, and a 502 for its absent backends", async () => {
    const router = await startProcess(join(root, "examples", "router", "routing-table.yaml"));
    const base = router.value;

    const routes = (await (await fetch(`${base}/v1/routes`)).json()) as { generation: number };
    const model = (await (await fetch(`${base}/v2/models/arxiv-classifier`)).json()) as {
      versions: string[];
    };
    const classify = await fetch(`${base}/v1/classify`, {
      method: "POST",
      body: JSON.stringify(classifyBody(["x"])),
    });
    process.kill(router.pid, "SIGTERM");

    expect(routes.generation).toBe(1);
    expect(model.versions).toEqual(["v3", "v4"]);
    expect(classify.status).toBe(502);
    expect(await router.exited).toBe(0);
  });

  it("when SIGTERM arrives during a slow request, the request completes and the process exits 0", async () => {
    const config = join(dir, "table.json");
    writeFileSync(
      config,
      JSON.stringify(tableDocument([{ name: "stable", weight: 100, endpoints: [backend.url] }])),
    );
    backend.behaviour = "slow";
    backend.delayMs = 1_000;
    const router = await startProcess(config);

    const inFlight = fetch(`${router.value}/v1/classify`, {
      method: "POST",
      body: JSON.stringify(classifyBody(["x"])),
    });
    await expect.poll(() => backend.received.length).toBe(1);
    process.kill(router.pid, "SIGTERM");
    const response = await inFlight;

    expect(response.status).toBe(200);
    expect(((await response.json()) as { results: unknown[] }).results).toHaveLength(1);
    expect(await router.exited).toBe(0);
    expect(router.output()).toContain("Stopped router");
  });
});
