// The router between real HTTP backends: the split, stickiness, overrides, the headers that
// name what answered, what it reports about itself, and the trace context it passes on.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startBackend } from "./backends.js";
import type { Backend } from "./backends.js";
import { classifyBody, startTestRouter } from "./harness.js";
import type { RouterUnderTest } from "./harness.js";
import { tableDocument } from "./tables.js";

let stable: Backend;
let candidate: Backend;
let dark: Backend;
let router: RouterUnderTest;

beforeAll(async () => {
  [stable, candidate, dark] = await Promise.all([
    startBackend({ name: "stable", version: "v3" }),
    startBackend({ name: "candidate", version: "v4" }),
    startBackend({ name: "dark" }),
  ]);
  router = await startTestRouter(
    tableDocument(
      [
        { name: "stable", weight: 90, endpoints: [stable.url], version: "v3" },
        { name: "candidate", weight: 10, endpoints: [candidate.url], version: "v4" },
        { name: "dark", weight: 0, endpoints: [dark.url] },
      ],
      {
        generation: 7,
        stickiness: { header: "x-user-id" },
        overrides: { header: "x-force", values: [{ value: "beta", variant: "dark" }] },
      },
    ),
  );
});

afterAll(async () => {
  await router.close();
  await Promise.all([stable, candidate, dark].map((b) => b.close()));
});

describe("routing over real backends", () => {
  it("when 1,000 unkeyed classify requests arrive, about 90% reach stable and 10% candidate", async () => {
    const variants: string[] = [];
    for (let batch = 0; batch < 20; batch++) {
      const responses = await Promise.all(
        Array.from({ length: 50 }, () => router.post("/v1/classify", classifyBody(["a paper"]))),
      );
      for (const response of responses) {
        expect(response.status).toBe(200);
        variants.push(response.headers.get("x-kubetune-variant") ?? "");
        await response.arrayBuffer();
      }
    }

    const stableShare = variants.filter((v) => v === "stable").length / 10;
    expect(Math.abs(stableShare - 90)).toBeLessThanOrEqual(4);
    expect(variants.filter((v) => v === "dark")).toEqual([]);
  });

  it("when a response comes back, its headers name the variant, model version and generation", async () => {
    const response = await router.post("/v1/classify", classifyBody(["x"]), { "x-force": "beta" });

    expect(response.status).toBe(200);
    expect(response.headers.get("x-kubetune-variant")).toBe("dark");
    expect(response.headers.get("x-kubetune-model-version")).toBe("ver-dark");
    expect(response.headers.get("x-kubetune-generation")).toBe("7");
    expect(((await response.json()) as { results: unknown[] }).results).toHaveLength(1);
  });

  it("when the same user id comes 20 times, all 20 land on one variant", async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const response = await router.post(
        "/v1/completions",
        { prompt: "p" },
        { "x-user-id": "user-42" },
      );
      seen.add(response.headers.get("x-kubetune-variant") ?? "");
      await response.arrayBuffer();
    }

    expect(seen.size).toBe(1);
  });

  it("when a classify request is routed, the backend receives it with the caller's headers", async () => {
    const before = dark.received.length;

    const response = await router.post("/v1/classify", classifyBody(["hello"]), {
      "x-force": "beta",
      "x-request-id": "req-1",
      traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    });
    await response.arrayBuffer();

    const received = dark.received.slice(before);
    expect(received).toHaveLength(1);
    expect(received[0]?.path).toBe("/v1/classify");
    expect(JSON.parse(received[0]?.body ?? "")).toEqual(classifyBody(["hello"]));
    expect(received[0]?.headers["x-request-id"]).toBe("req-1");
    expect(received[0]?.headers.traceparent).toContain("0af7651916cd43dd8448eb211c80319c");
  });

  it("when asked for its routes, reports the table and generation in force", async () => {
    const response = await fetch(`${router.url}/v1/routes`);
    const body = (await response.json()) as {
      generation: number;
      table: { variants: { name: string; weight: number }[] };
    };

    expect(response.status).toBe(200);
    expect(body.generation).toBe(7);
    expect(body.table.variants.map((v) => [v.name, v.weight])).toEqual([
      ["stable", 90],
      ["candidate", 10],
      ["dark", 0],
    ]);
  });

  it.each([
    ["/v2/health/live", 200, { live: true }],
    ["/v2/health/ready", 200, { ready: true }],
    [
      "/v2/models/arxiv-classifier",
      200,
      { name: "arxiv-classifier", versions: ["v3", "v4", "ver-dark"] },
    ],
    ["/v2/models/other", 404, { error: "model other is not served by this router" }],
  ])("when GET %s, answers %s", async (path, status, body) => {
    const response = await fetch(`${router.url}${path}`);

    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject(body);
  });

  it("when requests were answered, the metrics count them by variant, with weights and generation", async () => {
    const text = await (await fetch(`${router.url}/metrics`)).text();

    expect(
      await router.metric("kubetune_router_requests_total", {
        variant: "dark",
        api: "classify",
        code: "200",
      }),
    ).toBeGreaterThanOrEqual(2);
    expect(
      await router.metric("kubetune_router_documents_total", { variant: "dark" }),
    ).toBeGreaterThanOrEqual(2);
    expect(await router.metric("kubetune_router_variant_weight", { variant: "stable" })).toBe(90);
    expect(await router.metric("kubetune_router_table_generation")).toBe(7);
    expect(text).toContain(
      'kubetune_router_upstream_duration_seconds_count{route="arxiv",variant="dark",code="200"}',
    );
  });
});
