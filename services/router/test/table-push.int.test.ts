// PUT /v1/routes, the operator's push: a newer table is in force at once and traffic
// follows it; a push without the admin token, an older generation, a table that does not
// validate or a body past the limit is refused with its reason and the table in force
// stays; the mounted file catching up later changes nothing, and a newer file still wins.
import type { RoutingTable } from "@kubetune/api";
import { ROUTER_ADMIN_TOKEN_HEADER } from "@kubetune/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TABLE_BODY_LIMIT } from "../src/http/table-push.js";
import { startBackend } from "./backends.js";
import type { Backend } from "./backends.js";
import { classifyBody, startTestRouter } from "./harness.js";
import type { RouterUnderTest } from "./harness.js";
import { tableDocument } from "./tables.js";

const TOKEN = "s3cr3t-token-for-tests";
let stable: Backend;
let candidate: Backend;
let router: RouterUnderTest;

const weighted = (generation: number, stableWeight: number): RoutingTable =>
  tableDocument(
    [
      { name: "stable", weight: stableWeight, endpoints: [stable.url] },
      { name: "candidate", weight: 100 - stableWeight, endpoints: [candidate.url] },
    ],
    { generation },
  );

/** `null`: no Authorization header at all. */
function push(body: unknown, token: string | null = TOKEN, url = router.url) {
  return fetch(`${url}/v1/routes`, {
    method: "PUT",
    headers: {
      "content-type": "application/json",
      ...(token === null ? {} : { [ROUTER_ADMIN_TOKEN_HEADER]: token }),
    },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function variantsOf(count: number): Promise<Set<string>> {
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const response = await router.post("/v1/classify", classifyBody(["a paper"]));
    seen.add(response.headers.get("x-kubetune-variant") ?? "");
    await response.arrayBuffer();
  }
  return seen;
}

const inForce = () => router.router.source.current()?.generation;

beforeAll(async () => {
  [stable, candidate] = await Promise.all([
    startBackend({ name: "stable" }),
    startBackend({ name: "candidate" }),
  ]);
  router = await startTestRouter(weighted(3, 100), { adminToken: TOKEN });
});

afterAll(async () => {
  await router.close();
  await Promise.all([stable.close(), candidate.close()]);
});

describe("PUT /v1/routes", () => {
  it("when the operator pushes a newer generation with the token, it is in force at once and traffic follows", async () => {
    const response = await push(weighted(4, 0));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ generation: 4, applied: true });
    expect(inForce()).toBe(4);
    expect(await variantsOf(20)).toEqual(new Set(["candidate"]));
    const routes = (await (await fetch(`${router.url}/v1/routes`)).json()) as {
      generation: number;
    };
    expect(routes.generation).toBe(4);
  });

  it("when the same generation is pushed again, answers 200 without applying it twice", async () => {
    const response = await push(weighted(4, 0));

    expect(await response.json()).toEqual({ generation: 4, applied: false });
  });

  it.each([
    ["no token", null],
    ["a wrong token", "not-the-token"],
    ["a token of another length", "x"],
  ])("when a push carries %s, answers 401 and keeps the table", async (_, token) => {
    const response = await push(weighted(9, 100), token);

    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: string }).error).toMatch(/admin token/);
    expect(inForce()).toBe(4);
  });

  it("when an older generation is pushed, answers 409 naming both and keeps the newer", async () => {
    const response = await push(weighted(2, 100));

    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({
      error: "generation 2 is older than generation 4 in force",
    });
    expect(inForce()).toBe(4);
  });

  it.each([
    ["not JSON", "{ weights: "],
    ["weights that do not sum to 100", { ...tableDocument(), generation: 10, variants: [] }],
  ])(
    "when the pushed table is %s, answers 400 with the reason and keeps the table",
    async (_, body) => {
      const response = await push(body);

      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error.length).toBeGreaterThan(0);
      expect(inForce()).toBe(4);
    },
  );

  it("when the body is past the limit, answers 413", async () => {
    const response = await push("x".repeat(TABLE_BODY_LIMIT + 1));

    expect(response.status).toBe(413);
    expect(inForce()).toBe(4);
  });

  it("when the mounted file still holds an older table, the pushed one stays; a newer file wins", async () => {
    router.writeTable(weighted(3, 100));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(inForce()).toBe(4);

    await router.applyTable(weighted(5, 100));

    expect(await variantsOf(20)).toEqual(new Set(["stable"]));
  });

  it("when the router has no admin token, refuses every push with 403", async () => {
    const plain = await startTestRouter(weighted(1, 100));
    try {
      const response = await push(weighted(2, 0), TOKEN, plain.url);

      expect(response.status).toBe(403);
      expect(plain.router.source.current()?.generation).toBe(1);
    } finally {
      await plain.close();
    }
  });
});
