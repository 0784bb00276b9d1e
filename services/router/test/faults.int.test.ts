// Bad input and faulty backends: each gets a clear JSON error (or a retry that hides it),
// and the router stays up.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { deadUrl, startBackend } from "./backends.js";
import type { Backend } from "./backends.js";
import { classifyBody, startTestRouter } from "./harness.js";
import type { RouterUnderTest } from "./harness.js";
import { tableDocument } from "./tables.js";

let backend: Backend;
let spare: Backend;
const routers: RouterUnderTest[] = [];

async function routerTo(endpoints: string[], extra = {}) {
  const router = await startTestRouter(
    tableDocument([{ name: "stable", weight: 100, endpoints }], extra),
  );
  routers.push(router);
  return router;
}

async function errorOf(response: Response) {
  const body = (await response.json()) as { error?: unknown };
  return { status: response.status, error: body.error };
}

beforeAll(async () => {
  [backend, spare] = await Promise.all([
    startBackend({ name: "b" }),
    startBackend({ name: "spare" }),
  ]);
});

afterEach(async () => {
  backend.behaviour = "ok";
  await Promise.all(routers.splice(0).map((r) => r.close()));
});

afterAll(async () => {
  await Promise.all([backend.close(), spare.close()]);
});

describe("bad input", () => {
  it.each([
    {
      case: "an unknown path",
      method: "POST",
      path: "/v1/embeddings",
      body: "{}",
      status: 404,
      message: "no route for POST /v1/embeddings",
    },
    {
      case: "a GET on classify",
      method: "GET",
      path: "/v1/classify",
      status: 405,
      message: "/v1/classify accepts POST only",
    },
    {
      case: "a body that is not JSON",
      method: "POST",
      path: "/v1/classify",
      body: "{oops",
      status: 400,
      message: "request body is not JSON",
    },
    {
      case: "a classify body without documents",
      method: "POST",
      path: "/v1/classify",
      body: '{"documents":[]}',
      status: 400,
      message: "documents",
    },
    {
      case: "a classify body with an unknown field",
      method: "POST",
      path: "/v1/classify",
      body: '{"documents":[{"id":"a","text":"t"}],"x":1}',
      status: 400,
      message: "x",
    },
  ])("when $case, answers $status with a JSON error naming the problem", async (row) => {
    const router = await routerTo([backend.url]);

    const response = await fetch(`${router.url}${row.path}`, {
      method: row.method,
      ...(row.body === undefined ? {} : { body: row.body }),
    });

    const got = await errorOf(response);
    expect(got.status).toBe(row.status);
    expect(String(got.error)).toContain(row.message);
  });
});

describe("faulty backends", () => {
  it.each([
    ["the backend answers garbage", "garbage" as const, 502, "not JSON"],
    [
      "the backend answers 500 without a JSON error",
      "error-text" as const,
      502,
      "answered 500 with a body that is not JSON",
    ],
    [
      "the backend answers too few results",
      "wrong-count" as const,
      502,
      "0 results for 1 documents",
    ],
    ["the backend answers a JSON error", "error-json" as const, 500, "b failed"],
  ])(
    "when %s, answers a JSON error with a matching status",
    async (_case, behaviour, status, message) => {
      backend.behaviour = behaviour;
      const router = await routerTo([backend.url]);

      const got = await errorOf(await router.post("/v1/classify", classifyBody(["x"])));

      expect(got.status).toBe(status);
      expect(String(got.error)).toContain(message);
    },
  );

  it("when the backend's classify answer breaks off midway, answers 502", async () => {
    backend.behaviour = "break-off";
    const router = await routerTo([backend.url]);

    const got = await errorOf(await router.post("/v1/classify", classifyBody(["x"])));

    expect(got.status).toBe(502);
    expect(String(got.error)).toContain("response broke off");
  });

  it("when a backend's event stream breaks off, the client's stream ends with an error event", async () => {
    backend.behaviour = "break-off";
    const router = await routerTo([backend.url]);

    const response = await router.post("/v1/chat/completions", { stream: true, messages: [] });
    const text = await response.text();

    expect(response.status).toBe(200);
    expect(text).toContain('"t0"');
    expect(text).toMatch(/data: \{"error":"backend stream failed: [^"]+"\}\n\n$/);
  });

  it("when the backend is slower than the request timeout, answers 504", async () => {
    backend.behaviour = "slow";
    backend.delayMs = 2_000;
    const router = await routerTo([backend.url], { requestTimeout: "200ms" });

    const got = await errorOf(await router.post("/v1/completions", { prompt: "p" }));

    expect(got).toEqual({ status: 504, error: "backend: no answer within 200 ms" });
  });

  it("when the only endpoint refuses connections, answers 502 and stays up", async () => {
    const router = await routerTo([await deadUrl()]);

    const got = await errorOf(await router.post("/v1/classify", classifyBody(["x"])));
    const live = await fetch(`${router.url}/v2/health/live`);

    expect(got.status).toBe(502);
    expect(String(got.error)).toContain("connection refused");
    expect(live.status).toBe(200);
    // Tried again twice (a Service not yet wired refuses for a moment), then given up.
    expect(await router.metric("kubetune_router_upstream_retries_total")).toBe(2);
  });

  it("when the only endpoint refuses at first and listens a moment later, the request succeeds on a reconnect", async () => {
    const url = await deadUrl();
    const router = await routerTo([url]);
    // A Service whose first pod just became ready: refused until kube-proxy wires it.
    const late = new Promise<Backend>((resolve) => {
      setTimeout(() => {
        resolve(startBackend({ name: "late", port: Number(new URL(url).port) }));
      }, 150);
    });

    const response = await router.post("/v1/classify", classifyBody(["x"]));
    const backend = await late;
    try {
      expect(response.status).toBe(200);
      expect(await router.metric("kubetune_router_upstream_retries_total")).toBeGreaterThanOrEqual(
        1,
      );
      expect(backend.received).toHaveLength(1);
    } finally {
      await backend.close();
    }
  });

  it("when one endpoint refuses connections, retries on another endpoint of the variant", async () => {
    const router = await routerTo([await deadUrl(), spare.url]);

    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await router.post("/v1/classify", classifyBody(["x"]));
      statuses.push(response.status);
      await response.arrayBuffer();
    }

    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await router.metric("kubetune_router_upstream_retries_total")).toBeGreaterThanOrEqual(1);
  });

  it("when an endpoint fails 3 times in a row, its circuit opens and it gets no more requests", async () => {
    backend.behaviour = "error-json";
    const router = await routerTo([backend.url, spare.url], {
      circuitBreaker: { failures: 3, openFor: "60s" },
    });
    for (let i = 0; i < 10; i++)
      await (await router.post("/v1/classify", classifyBody(["x"]))).arrayBuffer();
    const before = backend.received.length;

    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await router.post("/v1/classify", classifyBody(["x"]));
      statuses.push(response.status);
      await response.arrayBuffer();
    }

    expect(backend.received.length).toBe(before);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it("when every endpoint's circuit is open, answers 503 naming the variant", async () => {
    backend.behaviour = "error-json";
    const router = await routerTo([backend.url], {
      circuitBreaker: { failures: 2, openFor: "60s" },
    });
    for (let i = 0; i < 2; i++)
      await (await router.post("/v1/classify", classifyBody(["x"]))).arrayBuffer();

    const got = await errorOf(await router.post("/v1/classify", classifyBody(["x"])));

    expect(got).toEqual({
      status: 503,
      error: "backend: variant stable has every endpoint's circuit open",
    });
  });

  it("when the chosen variant has no endpoints yet, answers 503 naming it", async () => {
    const router = await routerTo([]);

    const got = await errorOf(await router.post("/v1/chat/completions", { messages: [] }));

    expect(got).toEqual({ status: 503, error: "backend: variant stable has no ready endpoint" });
  });
});

describe("the routing table file", () => {
  it("when the first table is invalid, answers 503 with the reason and reports it", async () => {
    const router = await startTestRouter({ generation: 1, route: "r", model: "m", variants: [] });
    routers.push(router);

    const got = await errorOf(await router.post("/v1/classify", classifyBody(["x"])));
    const ready = await fetch(`${router.url}/v2/health/ready`);
    const routes = (await (await fetch(`${router.url}/v1/routes`)).json()) as { lastError: string };

    expect(got.status).toBe(503);
    expect(String(got.error)).toContain("no routing table in force");
    expect(String(got.error)).toContain("variants");
    expect(ready.status).toBe(503);
    expect(routes.lastError).toContain("variants");
  });

  it("when a reload brings an invalid table, keeps the previous one and exposes why", async () => {
    const router = await routerTo([backend.url], { generation: 3 });

    router.writeTable("generation: [not yaml");
    await expect
      .poll(async () =>
        router.metric("kubetune_router_table_reloads_total", { result: "rejected" }),
      )
      .toBe(1);
    const routes = (await (await fetch(`${router.url}/v1/routes`)).json()) as {
      generation: number;
      lastError: string;
    };
    const response = await router.post("/v1/classify", classifyBody(["x"]));

    expect(routes.generation).toBe(3);
    expect(routes.lastError).toContain("not JSON or YAML");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-kubetune-generation")).toBe("3");
  });
});
