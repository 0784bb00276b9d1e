import { describe, expect, it } from "vitest";
import { MicroBatcher } from "./batcher.js";

/** A runner that records its batches and answers each item doubled, after `delayMs`. */
function recordingRunner(delayMs = 0) {
  const batches: number[][] = [];
  const run = async (items: readonly number[]) => {
    batches.push([...items]);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return items.map((n) => n * 2);
  };
  return { batches, run };
}

describe("MicroBatcher", () => {
  it("when items arrive together within the wait, runs them as one batch in order", async () => {
    const { batches, run } = recordingRunner();
    const batcher = new MicroBatcher(run, { maxBatchSize: 8, maxWaitMs: 20 });

    const outs = await Promise.all([1, 2, 3].map((n) => batcher.submit(n)));

    expect(outs).toEqual([2, 4, 6]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it("when more items arrive than a batch holds, splits them at maxBatchSize", async () => {
    const { batches, run } = recordingRunner(5);
    const sizes: number[] = [];
    const batcher = new MicroBatcher(run, {
      maxBatchSize: 4,
      maxWaitMs: 50,
      onBatch: (size) => sizes.push(size),
    });

    const outs = await Promise.all(Array.from({ length: 10 }, (_, n) => batcher.submit(n)));

    expect(outs).toEqual(Array.from({ length: 10 }, (_, n) => n * 2));
    expect(sizes).toEqual([4, 4, 2]);
    expect(batches.flat()).toEqual(Array.from({ length: 10 }, (_, n) => n));
  });

  it("when items arrive while a run is in progress, they form the next batch right after it", async () => {
    const { batches, run } = recordingRunner(20);
    const batcher = new MicroBatcher(run, { maxBatchSize: 8, maxWaitMs: 0 });

    const first = batcher.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map((n) => batcher.submit(n));
    await Promise.all([first, ...later]);

    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it("when the runner fails, every item of that batch is rejected and the next batch still runs", async () => {
    let calls = 0;
    const batcher = new MicroBatcher(
      (items: readonly number[]) => {
        calls++;
        return calls === 1 ? Promise.reject(new Error("boom")) : Promise.resolve([...items]);
      },
      { maxBatchSize: 2, maxWaitMs: 0 },
    );

    const failed = batcher.submit(1);
    await expect(failed).rejects.toThrow("boom");
    await expect(batcher.submit(2)).resolves.toBe(2);
    expect(batcher.depth).toBe(0);
  });
});

describe("MicroBatcher without a wait", () => {
  it("when items are submitted in the same turn of the event loop, runs them together at once", async () => {
    const { batches, run } = recordingRunner();
    const batcher = new MicroBatcher(run, { maxBatchSize: 8, maxWaitMs: 0 });

    await Promise.all([1, 2, 3].map((n) => batcher.submit(n)));
    await batcher.submit(4);

    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it("when a waiting batch fills up, runs it without waiting out the delay", async () => {
    const { batches, run } = recordingRunner();
    const batcher = new MicroBatcher(run, { maxBatchSize: 2, maxWaitMs: 60_000 });

    await Promise.all([1, 2].map((n) => batcher.submit(n)));

    expect(batches).toEqual([[1, 2]]);
  });
});

describe("MicroBatcher with a token budget", () => {
  it("when a token budget is set, a batch stops before batch size × longest item would exceed it", async () => {
    const { batches, run } = recordingRunner(5);
    const batcher = new MicroBatcher(run, {
      maxBatchSize: 8,
      maxBatchTokens: 100,
      tokensOf: (n: number) => n,
      maxWaitMs: 20,
    });

    await Promise.all([40, 50, 10, 60, 30].map((n) => batcher.submit(n)));

    // [40, 50]: 2 × 50 = 100 fits; adding 10 keeps 3 × 50 = 150 over. [10, 60] would be 120.
    expect(batches).toEqual([[40, 50], [10], [60], [30]]);
  });

  it("when one item alone exceeds the token budget, it still runs, by itself", async () => {
    const { batches, run } = recordingRunner();
    const batcher = new MicroBatcher(run, {
      maxBatchSize: 8,
      maxBatchTokens: 100,
      tokensOf: (n: number) => n,
      maxWaitMs: 20,
    });

    const outs = await Promise.all([500, 5].map((n) => batcher.submit(n)));

    expect(outs).toEqual([1000, 10]);
    expect(batches).toEqual([[500], [5]]);
  });

  it("when items are short, the batch size limit still applies under a large token budget", async () => {
    const { batches, run } = recordingRunner(5);
    const batcher = new MicroBatcher(run, {
      maxBatchSize: 3,
      maxBatchTokens: 10_000,
      tokensOf: (n: number) => n,
      maxWaitMs: 20,
    });

    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit(n)));

    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });
});
