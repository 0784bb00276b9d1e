import { describe, expect, it } from "vitest";
import { Admission, QueueFullError, SequencePool } from "./queue.js";

const signal = () => new AbortController().signal;

describe("SequencePool", () => {
  it("when a sequence is free, leases it at once", async () => {
    const pool = new SequencePool(["s1"], new Admission(0));

    const lease = await pool.acquire(signal());

    expect(lease.item).toBe("s1");
    expect(pool.inFlight).toBe(1);
  });

  it("when every sequence is busy and the queue is full, refuses with QueueFullError", async () => {
    const admission = new Admission(1);
    const pool = new SequencePool(["s1"], admission);
    await pool.acquire(signal());
    void pool.acquire(signal());

    await expect(pool.acquire(signal())).rejects.toBeInstanceOf(QueueFullError);
    expect(admission.waiting).toBe(1);
  });

  it("when a lease is released, the oldest waiter gets the sequence", async () => {
    const pool = new SequencePool(["s1"], new Admission(2));
    const first = await pool.acquire(signal());
    const order: string[] = [];
    const a = pool.acquire(signal()).then((l) => {
      order.push("a");
      return l;
    });
    const b = pool.acquire(signal()).then((l) => {
      order.push("b");
      l.release();
    });

    first.release();
    (await a).release();
    await b;

    expect(order).toEqual(["a", "b"]);
    expect(pool.inFlight).toBe(0);
  });

  it("when a waiter's signal aborts, it leaves the queue with the abort reason", async () => {
    const admission = new Admission(1);
    const pool = new SequencePool(["s1"], admission);
    await pool.acquire(signal());
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);

    controller.abort(new Error("client gone"));

    await expect(waiting).rejects.toThrow("client gone");
    expect(admission.waiting).toBe(0);
  });

  it("when a lease is released twice, the sequence is returned once", async () => {
    const pool = new SequencePool(["s1"], new Admission(0));
    const lease = await pool.acquire(signal());

    lease.release();
    lease.release();
    await pool.acquire(signal());

    await expect(pool.acquire(signal())).rejects.toBeInstanceOf(QueueFullError);
  });

  it("when leases are out, idle() resolves only after the last is released", async () => {
    const pool = new SequencePool(["s1", "s2"], new Admission(0));
    const a = await pool.acquire(signal());
    const b = await pool.acquire(signal());
    let idle = false;
    const done = pool.idle().then(() => (idle = true));

    a.release();
    await Promise.resolve();
    expect(idle).toBe(false);
    b.release();
    await done;

    expect(idle).toBe(true);
  });
});
