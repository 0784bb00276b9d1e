import { describe, expect, it } from "vitest";
import { FakeClock } from "./clock.js";
import {
  BucketRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  defaultControllerRateLimiter,
  type RateLimiter,
} from "./rate-limiter.js";

const MAX_MS = 1000 * 1000;
const newBackoff = () =>
  new ItemExponentialFailureRateLimiter({ baseDelayMs: 5, maxDelayMs: MAX_MS });
const delays = (limiter: RateLimiter, key: string, times: number) =>
  Array.from({ length: times }, () => limiter.when(key));

/** A limiter that always answers the same, to test the combiner in isolation. */
const fixed = (delayMs: number, requeues: number) => {
  const forgotten: string[] = [];
  const limiter: RateLimiter = {
    when: () => delayMs,
    forget: (key) => forgotten.push(key),
    numRequeues: () => requeues,
  };
  return { limiter, forgotten };
};

describe("ItemExponentialFailureRateLimiter", () => {
  it("when a key keeps failing, doubles the delay from 5 ms", () => {
    const limiter = newBackoff();

    const got = delays(limiter, "ns/a", 6);

    expect(got).toEqual([5, 10, 20, 40, 80, 160]);
  });

  it.each([
    { failure: 18, wantMs: 5 * 2 ** 17 },
    { failure: 19, wantMs: MAX_MS },
    { failure: 40, wantMs: MAX_MS },
    { failure: 1100, wantMs: MAX_MS },
  ])("when a key has failed $failure times, the last wait is $wantMs ms", ({ failure, wantMs }) => {
    const limiter = newBackoff();

    const last = delays(limiter, "ns/a", failure).at(-1);

    expect(last).toBe(wantMs);
  });

  it("when a key is forgotten, starts again from 5 ms with no requeues", () => {
    const limiter = newBackoff();
    delays(limiter, "ns/a", 4);

    limiter.forget("ns/a");

    expect(limiter.numRequeues("ns/a")).toBe(0);
    expect(limiter.when("ns/a")).toBe(5);
  });

  it("when different keys fail, backs each off independently", () => {
    const limiter = newBackoff();
    delays(limiter, "ns/a", 3);

    const b = limiter.when("ns/b");

    expect(b).toBe(5);
    expect(limiter.numRequeues("ns/a")).toBe(3);
    expect(limiter.numRequeues("ns/b")).toBe(1);
  });

  it.each([
    { baseDelayMs: 0, maxDelayMs: 10 },
    { baseDelayMs: 10, maxDelayMs: 5 },
  ])("when configured with base $baseDelayMs and max $maxDelayMs, throws", (options) => {
    expect(() => new ItemExponentialFailureRateLimiter(options)).toThrow(RangeError);
  });
});

describe("BucketRateLimiter", () => {
  const newBucket = (clock: FakeClock): RateLimiter =>
    new BucketRateLimiter({ clock, qps: 10, burst: 100 });

  it("when a burst of 103 retries arrives at once, lets 100 through and spaces the rest 100 ms apart", () => {
    const limiter = newBucket(new FakeClock());

    const got = Array.from({ length: 103 }, (_, i) => limiter.when(`ns/k${i}`));

    expect(got.slice(0, 100).every((ms) => ms === 0)).toBe(true);
    expect(got.slice(100)).toEqual([100, 200, 300]);
  });

  it("when time passes after the bucket ran dry, refills at 10 tokens per second", () => {
    const clock = new FakeClock();
    const limiter = newBucket(clock);
    delays(limiter, "ns/a", 102);

    clock.advance(1000);
    const got = delays(limiter, "ns/a", 9);

    expect(got).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 100]);
  });

  it("when idle for long, refills no further than the burst", () => {
    const clock = new FakeClock();
    const limiter = newBucket(clock);
    clock.advance(60 * 60 * 1000);

    const got = delays(limiter, "ns/a", 101).at(-1);

    expect(got).toBe(100);
  });

  it("when part of a token has refilled, waits only for the rest, rounded up to whole ms", () => {
    const clock = new FakeClock();
    const limiter = newBucket(clock);
    delays(limiter, "ns/a", 100);

    clock.advance(33);
    const got = limiter.when("ns/a");

    expect(got).toBe(67);
  });

  it("when asked about requeues or told to forget, tracks nothing per key", () => {
    const limiter = newBucket(new FakeClock());
    delays(limiter, "ns/a", 3);

    limiter.forget("ns/a");

    expect(limiter.numRequeues("ns/a")).toBe(0);
  });

  it.each([
    { qps: 0, burst: 100 },
    { qps: 10, burst: 0 },
  ])("when configured with $qps qps and burst $burst, throws", ({ qps, burst }) => {
    expect(() => new BucketRateLimiter({ clock: new FakeClock(), qps, burst })).toThrow(RangeError);
  });
});

describe("MaxOfRateLimiter", () => {
  it("when limiters disagree, answers the longest delay and the most requeues", () => {
    const limiter = new MaxOfRateLimiter(fixed(5, 7).limiter, fixed(100, 2).limiter);

    expect(limiter.when("ns/a")).toBe(100);
    expect(limiter.numRequeues("ns/a")).toBe(7);
  });

  it("when a key is forgotten, forgets it in every limiter", () => {
    const first = fixed(1, 0);
    const second = fixed(2, 0);
    const limiter = new MaxOfRateLimiter(first.limiter, second.limiter);

    limiter.forget("ns/a");

    expect([first.forgotten, second.forgotten]).toEqual([["ns/a"], ["ns/a"]]);
  });

  it("when given no limiters, throws", () => {
    expect(() => new MaxOfRateLimiter()).toThrow(RangeError);
  });
});

describe("defaultControllerRateLimiter", () => {
  it("when one key keeps failing, backs off exponentially from 5 ms to 1000 s", () => {
    const limiter = defaultControllerRateLimiter(new FakeClock());

    const got = delays(limiter, "ns/a", 30);

    expect(got.slice(0, 4)).toEqual([5, 10, 20, 40]);
    expect(got.at(-1)).toBe(MAX_MS);
    expect(limiter.numRequeues("ns/a")).toBe(30);
  });

  it("when more than 100 keys fail at once, the overall bucket delays the 101st by 100 ms", () => {
    const limiter = defaultControllerRateLimiter(new FakeClock());

    const got = Array.from({ length: 101 }, (_, i) => limiter.when(`ns/k${i}`));

    expect(got.slice(0, 100).every((ms) => ms === 5)).toBe(true);
    expect(got[100]).toBe(100);
  });

  it("when a key is forgotten, its backoff starts over", () => {
    const limiter = defaultControllerRateLimiter(new FakeClock());
    delays(limiter, "ns/a", 5);

    limiter.forget("ns/a");

    expect(limiter.when("ns/a")).toBe(5);
  });
});
