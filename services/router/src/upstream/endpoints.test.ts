import { afterEach, describe, expect, it } from "vitest";
import { EndpointPool } from "./endpoints.js";

const A = "http://127.0.0.1:1001";
const B = "http://127.0.0.1:1002";
const breaker = { failures: 2, openForMs: 1_000 };
const pools: EndpointPool[] = [];

function pool(now: () => number = () => 0): EndpointPool {
  const created = new EndpointPool(now);
  pools.push(created);
  return created;
}

afterEach(() => {
  for (const p of pools.splice(0)) p.destroy();
});

describe("EndpointPool", () => {
  it("when endpoints are healthy, takes turns between them", () => {
    const endpoints = pool();

    const picked = Array.from({ length: 4 }, () => endpoints.pick([A, B])?.base);

    expect(picked).toEqual([A, B, A, B]);
  });

  it("when an endpoint's circuit is open, picks only the other until the pause ends", () => {
    let now = 0;
    const endpoints = pool(() => now);
    endpoints.failure(A, breaker);
    endpoints.failure(A, breaker);

    const whileOpen = Array.from({ length: 3 }, () => endpoints.pick([A, B])?.base);
    now = 1_000;
    const after = new Set(Array.from({ length: 4 }, () => endpoints.pick([A, B])?.base));

    expect(whileOpen).toEqual([B, B, B]);
    expect(after).toEqual(new Set([A, B]));
  });

  it("when every endpoint is excluded or open, picks none", () => {
    const endpoints = pool();
    endpoints.failure(B, breaker);
    endpoints.failure(B, breaker);

    expect(endpoints.pick([A, B], new Set([A]))).toBeUndefined();
    expect(endpoints.pick([])).toBeUndefined();
  });

  it("when a table drops an endpoint, forgets its breaker; when it comes back, starts fresh", () => {
    const endpoints = pool();
    endpoints.failure(A, breaker);
    endpoints.failure(A, breaker);

    endpoints.retain(new Set([B]));

    expect(endpoints.pick([A])?.base).toBe(A);
  });
});
