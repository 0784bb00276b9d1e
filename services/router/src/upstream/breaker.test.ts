import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "./breaker.js";

const settings = { failures: 3, openForMs: 5_000 };

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("CircuitBreaker", () => {
  it("when an endpoint fails fewer times than the limit, stays available", () => {
    const breaker = new CircuitBreaker(clock().now);
    breaker.failure(settings);
    breaker.failure(settings);

    expect(breaker.available()).toBe(true);
  });

  it("when an endpoint fails the limit in a row, is unavailable until the pause ends", () => {
    const time = clock();
    const breaker = new CircuitBreaker(time.now);
    for (let i = 0; i < 3; i++) breaker.failure(settings);

    expect(breaker.available()).toBe(false);
    time.advance(5_000);
    expect(breaker.available()).toBe(true);
  });

  it("when the half-open try fails, opens again at once", () => {
    const time = clock();
    const breaker = new CircuitBreaker(time.now);
    for (let i = 0; i < 3; i++) breaker.failure(settings);
    time.advance(5_000);

    breaker.failure(settings);

    expect(breaker.available()).toBe(false);
  });

  it("when a success comes between failures, the count starts over", () => {
    const breaker = new CircuitBreaker(clock().now);
    breaker.failure(settings);
    breaker.failure(settings);
    breaker.success();
    breaker.failure(settings);
    breaker.failure(settings);

    expect(breaker.available()).toBe(true);
  });
});
