// The router as a real process (the npm run router command): SIGTERM lets an in-flight
// request finish, refuses nothing it had accepted, and exits 0.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBackend } from "./backends.js";
import type { Backend } from "./backends.js";
import { classifyBody } from "./harness.js";
import { tableDocument } from "./tables.js";

const root = join(import.meta.dirname, "..", "..", "..");
let backend: Backend;
let dir: string;

beforeAll(async () => {
  backend = await startBackend({ name: "slow" });
  dir = mkdtempSync(join(tmpdir(), "kubetune-router-drain-"));
});

afterAll(async () => {
  await backend.close();
  rmSync(dir, { recursive: true, force: true });
});

function startProcess(config: string) {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "services/router/src/main.ts", "--config", config, "--port", "0"],
    { cwd: root, stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  const port = new Promise<number>((resolve, reject) => {
    child.stderr.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      const match =
        /"msg":"Started router".*?"port":(\d+)|"port":(\d+)[^\n]*"msg":"Started router"/.exec(log);
      if (match) resolve(Number(match[1] ?? match[2]));
    });
    child.once("exit", (code) => {
      reject(new Error(`router exited ${code}: ${log}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, port, exited, log: () => log };
}

describe("the router process", () => {
  it("when started on the example table, serves it: routes, model metadata, and a 502 for its absent backends", async () => {
    const router = startProcess(join(root, "examples", "router", "routing-table.yaml"));
    const port = await router.port;
    const base = `http://127.0.0.1:${port}`;

    const routes = (await (await fetch(`${base}/v1/routes`)).json()) as { generation: number };
    const model = (await (await fetch(`${base}/v2/models/arxiv-classifier`)).json()) as {
      versions: string[];
    };
    const classify = await fetch(`${base}/v1/classify`, {
      method: "POST",
      body: JSON.stringify(classifyBody(["x"])),
    });
    router.child.kill("SIGTERM");

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
    const router = startProcess(config);
    const port = await router.port;

    const inFlight = fetch(`http://127.0.0.1:${port}/v1/classify`, {
      method: "POST",
      body: JSON.stringify(classifyBody(["x"])),
    });
    await expect.poll(() => backend.received.length).toBe(1);
    router.child.kill("SIGTERM");
    const response = await inFlight;

    expect(response.status).toBe(200);
    expect(((await response.json()) as { results: unknown[] }).results).toHaveLength(1);
    expect(await router.exited).toBe(0);
    expect(router.log()).toContain("Stopped router");
  });
});
