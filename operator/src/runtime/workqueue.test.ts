import { describe, expect, it, vi } from "vitest";
import { FakeClock } from "./clock.js";
import { WorkQueue, type QueueMetrics } from "./workqueue.js";

function setup() {
  const clock = new FakeClock();
  const metrics = {
    depth: vi.fn<(n: number) => void>(),
    added: vi.fn<() => void>(),
    retried: vi.fn<() => void>(),
    latency: vi.fn<(seconds: number) => void>(),
    workDuration: vi.fn<(seconds: number) => void>(),
  } satisfies QueueMetrics;
  const queue = new WorkQueue({ clock, metrics });
  return { clock, metrics, queue };
}

/** Lets every pending promise continuation run (no timers involved). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Hands out and finishes every ready key, returning them in the order handed out. */
async function processReady(queue: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (queue.len() > 0) {
    const key = await queue.get();
    if (key === undefined) break;
    keys.push(key);
    queue.done(key);
  }
  return keys;
}

/** Tracks whether a promise has resolved yet, without awaiting it. */
function watch(promise: Promise<unknown>) {
  const state = { resolved: false };
  void promise.then(() => {
    state.resolved = true;
  });
  return state;
}

describe("WorkQueue: add, get, done", () => {
  it.each([
    { adds: ["ns/a", "ns/a", "ns/a"], wantHandedOut: ["ns/a"] },
    { adds: ["ns/c", "ns/a", "ns/b"], wantHandedOut: ["ns/c", "ns/a", "ns/b"] },
    { adds: ["ns/a", "ns/b", "ns/a", "ns/c", "ns/b"], wantHandedOut: ["ns/a", "ns/b", "ns/c"] },
  ])("when $adds are added before processing, hands out $wantHandedOut", async (row) => {
    const { queue } = setup();

    for (const key of row.adds) queue.add(key);
    const handedOut = await processReady(queue);

    expect(handedOut).toEqual(row.wantHandedOut);
  });

  it("when workers wait before keys arrive, each gets a distinct key in the order it asked", async () => {
    const { queue } = setup();
    const first = queue.get();
    const second = queue.get();

    queue.add("ns/a");
    queue.add("ns/b");

    expect(await Promise.all([first, second])).toEqual(["ns/a", "ns/b"]);
  });

  it("when a key in flight is added again, holds it back until done and then hands it out once", async () => {
    const { queue } = setup();
    queue.add("ns/a");
    const key = await queue.get();

    queue.add("ns/a");
    queue.add("ns/a");
    const lenWhileInFlight = queue.len();
    queue.done(key!);

    expect(lenWhileInFlight).toBe(0);
    expect(await processReady(queue)).toEqual(["ns/a"]);
  });

  it("when two workers run and a key is re-added during processing, processes it exactly twice and never concurrently", async () => {
    const { queue } = setup();
    const started: string[] = [];
    const releases: (() => void)[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const worker = async () => {
      for (let key = await queue.get(); key !== undefined; key = await queue.get()) {
        started.push(key);
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise<void>((resolve) => releases.push(resolve));
        inFlight -= 1;
        queue.done(key);
      }
    };
    queue.add("ns/a");
    const workers = [worker(), worker()];
    await settle();

    queue.add("ns/a");
    await settle();
    const startedBeforeDone = [...started];
    releases.shift()!();
    await settle();
    const drained = queue.shutDownWithDrain();
    releases.shift()!();
    await Promise.all([drained, ...workers]);

    expect(startedBeforeDone).toEqual(["ns/a"]);
    expect(started).toEqual(["ns/a", "ns/a"]);
    expect(maxInFlight).toBe(1);
  });

  it("when done is called for a key that was not handed out, ignores it", async () => {
    const { queue } = setup();
    queue.add("ns/a");

    queue.done("ns/a");
    queue.done("ns/unknown");

    expect(await processReady(queue)).toEqual(["ns/a"]);
  });

  it("when built without options, runs on the system clock and default limiter", async () => {
    const queue = new WorkQueue();
    queue.add("ns/a");

    const key = await queue.get();
    queue.done(key!);

    expect(key).toBe("ns/a");
    expect(queue.len()).toBe(0);
  });
});

describe("WorkQueue: addAfter and addRateLimited", () => {
  it.each([
    { elapsedMs: 0, wantLen: 0 },
    { elapsedMs: 99, wantLen: 0 },
    { elapsedMs: 100, wantLen: 1 },
    { elapsedMs: 500, wantLen: 1 },
  ])("when $elapsedMs ms of a 100 ms addAfter have passed, len is $wantLen", (row) => {
    const { clock, queue } = setup();
    queue.addAfter("ns/a", 100);

    clock.advance(row.elapsedMs);

    expect(queue.len()).toBe(row.wantLen);
  });

  it.each([
    { firstMs: 100, secondMs: 50 },
    { firstMs: 50, secondMs: 100 },
  ])(
    "when a key is added after $firstMs then $secondMs ms, the earlier time wins and it is added once",
    async ({ firstMs, secondMs }) => {
      const { clock, queue } = setup();
      const earlier = Math.min(firstMs, secondMs);

      queue.addAfter("ns/a", firstMs);
      queue.addAfter("ns/a", secondMs);
      clock.advance(earlier - 1);
      const lenBefore = queue.len();
      clock.advance(1);
      const handedOut = await processReady(queue);
      clock.advance(1000);

      expect(lenBefore).toBe(0);
      expect(handedOut).toEqual(["ns/a"]);
      expect(queue.len()).toBe(0);
      expect(clock.pendingTimers()).toBe(0);
    },
  );

  it.each([{ ms: 0 }, { ms: -5 }, { ms: Number.NaN }])(
    "when a key is added after $ms ms, adds it now without a timer",
    ({ ms }) => {
      const { clock, queue } = setup();

      queue.addAfter("ns/a", ms);

      expect(queue.len()).toBe(1);
      expect(clock.pendingTimers()).toBe(0);
    },
  );

  it("when a delayed key falls due while in flight, hands it out again after done", async () => {
    const { clock, queue } = setup();
    queue.add("ns/a");
    const key = await queue.get();
    queue.addAfter("ns/a", 10);

    clock.advance(10);
    const lenWhileInFlight = queue.len();
    queue.done(key!);

    expect(lenWhileInFlight).toBe(0);
    expect(await processReady(queue)).toEqual(["ns/a"]);
  });

  it("when a key keeps failing, requeues it after 5, 10, 20 ms and counts the requeues", async () => {
    const { clock, queue } = setup();
    const lensJustBefore: number[] = [];

    for (const delayMs of [5, 10, 20]) {
      queue.addRateLimited("ns/a");
      clock.advance(delayMs - 1);
      lensJustBefore.push(queue.len());
      clock.advance(1);
      await processReady(queue);
    }

    expect(lensJustBefore).toEqual([0, 0, 0]);
    expect(queue.numRequeues("ns/a")).toBe(3);
  });

  it("when a key is forgotten, its next rate-limited requeue waits 5 ms again", () => {
    const { clock, queue } = setup();
    for (let i = 0; i < 4; i++) queue.addRateLimited("ns/a");

    queue.forget("ns/a");
    queue.addRateLimited("ns/b");
    queue.addRateLimited("ns/a");
    clock.advance(5);

    expect(queue.numRequeues("ns/a")).toBe(1);
    expect(queue.len()).toBe(2);
  });
});

describe("WorkQueue: shutdown", () => {
  it("when workers are waiting and the queue shuts down, each get resolves undefined at once", async () => {
    const { queue } = setup();
    const waiting = [queue.get(), queue.get()];

    queue.shutDown();

    expect(await Promise.all(waiting)).toEqual([undefined, undefined]);
    expect(queue.isShuttingDown()).toBe(true);
  });

  it("when shut down, drops queued and delayed keys and ignores further adds", async () => {
    const { clock, queue } = setup();
    queue.add("ns/a");
    queue.addAfter("ns/b", 10);

    queue.shutDown();
    queue.add("ns/c");
    queue.addAfter("ns/d", 0);
    queue.addRateLimited("ns/e");
    clock.advance(1000);

    expect(queue.len()).toBe(0);
    expect(await queue.get()).toBeUndefined();
    expect(clock.pendingTimers()).toBe(0);
    expect(queue.numRequeues("ns/e")).toBe(0);
  });

  it("when shut down with drain, hands out queued keys and resolves only after work in flight is done", async () => {
    const { clock, queue } = setup();
    queue.add("ns/a");
    queue.add("ns/b");
    queue.addAfter("ns/c", 10);
    const a = await queue.get();

    const drain = watch(queue.shutDownWithDrain());
    queue.add("ns/d");
    clock.advance(10);
    const b = await queue.get();
    queue.done(a!);
    await settle();
    const resolvedWhileBInFlight = drain.resolved;
    queue.done(b!);
    await settle();

    expect([a, b]).toEqual(["ns/a", "ns/b"]);
    expect(resolvedWhileBInFlight).toBe(false);
    expect(drain.resolved).toBe(true);
    expect(await queue.get()).toBeUndefined();
  });

  it("when shut down with drain while a re-added key is in flight, waiters get it once more, then undefined", async () => {
    const { queue } = setup();
    queue.add("ns/a");
    const first = await queue.get();
    queue.add("ns/a");
    const drain = watch(queue.shutDownWithDrain());
    const waiter = queue.get();

    queue.done(first!);
    const again = await waiter;
    await settle();
    const resolvedWhileAgainInFlight = drain.resolved;
    queue.done(again!);
    await settle();

    expect(again).toBe("ns/a");
    expect(resolvedWhileAgainInFlight).toBe(false);
    expect(drain.resolved).toBe(true);
  });

  it("when shut down with drain and nothing is in flight, resolves at once", async () => {
    const { queue } = setup();

    await queue.shutDownWithDrain();

    expect(await queue.get()).toBeUndefined();
  });

  it("when shutDown follows a pending drain, the drain resolves without waiting for work in flight", async () => {
    const { queue } = setup();
    queue.add("ns/a");
    await queue.get();
    const drain = watch(queue.shutDownWithDrain());

    queue.shutDown();
    await settle();

    expect(drain.resolved).toBe(true);
  });
});

describe("WorkQueue: metrics", () => {
  it("when a key goes through add, get and done, reports adds, depth, latency and work duration", async () => {
    const { clock, metrics, queue } = setup();

    queue.add("ns/a");
    queue.add("ns/a");
    clock.advance(250);
    const key = await queue.get();
    queue.add("ns/a");
    clock.advance(1500);
    queue.done(key!);

    expect(metrics.added).toHaveBeenCalledTimes(2);
    expect(metrics.depth.mock.calls).toEqual([[1], [0], [1]]);
    expect(metrics.latency.mock.calls).toEqual([[0.25]]);
    expect(metrics.workDuration.mock.calls).toEqual([[1.5]]);
  });

  it.each([
    {
      action: "addAfter",
      run: (q: WorkQueue) => {
        q.addAfter("ns/a", 10);
      },
    },
    {
      action: "addAfter now",
      run: (q: WorkQueue) => {
        q.addAfter("ns/a", 0);
      },
    },
    {
      action: "addRateLimited",
      run: (q: WorkQueue) => {
        q.addRateLimited("ns/a");
      },
    },
  ])("when a key is requeued with $action, counts a retry", ({ run }) => {
    const { metrics, queue } = setup();

    run(queue);

    expect(metrics.retried).toHaveBeenCalledTimes(1);
  });
});
