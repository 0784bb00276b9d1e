import { describe, expect, it } from "vitest";
import { FakeClock, systemClock } from "./clock.js";

describe("FakeClock", () => {
  it.each([
    { advanceMs: 99, wantFired: false },
    { advanceMs: 100, wantFired: true },
    { advanceMs: 250, wantFired: true },
  ])("when advanced by $advanceMs ms past a 100 ms timer, fired is $wantFired", (row) => {
    const clock = new FakeClock();
    let fired = false;
    clock.setTimeout(() => {
      fired = true;
    }, 100);

    clock.advance(row.advanceMs);

    expect(fired).toBe(row.wantFired);
    expect(clock.now()).toBe(row.advanceMs);
  });

  it("when several timers fall due, fires them by due time, ties in scheduling order, at their due time", () => {
    const clock = new FakeClock(1_000);
    const fired: string[] = [];
    const schedule = (name: string, ms: number) =>
      clock.setTimeout(() => fired.push(`${name}@${clock.now()}`), ms);
    schedule("late", 30);
    schedule("early", 10);
    schedule("tie-first", 20);
    schedule("tie-second", 20);

    clock.advance(50);

    expect(fired).toEqual(["early@1010", "tie-first@1020", "tie-second@1020", "late@1030"]);
  });

  it("when a fired callback schedules a timer still due, fires it in the same advance", () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    clock.setTimeout(() => {
      fired.push(clock.now());
      clock.setTimeout(() => fired.push(clock.now()), 10);
      clock.setTimeout(() => fired.push(clock.now()), 100);
    }, 10);

    clock.advance(50);

    expect(fired).toEqual([10, 20]);
    expect(clock.pendingTimers()).toBe(1);
  });

  it("when a callback schedules a zero-delay timer, fires it at the same time", () => {
    const clock = new FakeClock();
    const fired: number[] = [];
    clock.setTimeout(() => clock.setTimeout(() => fired.push(clock.now()), 0), 5);

    clock.advance(5);

    expect(fired).toEqual([5]);
  });

  it("when a timer is cleared, never fires it", () => {
    const clock = new FakeClock();
    let fired = false;
    const handle = clock.setTimeout(() => {
      fired = true;
    }, 10);

    clock.clearTimeout(handle);
    clock.advance(100);

    expect(fired).toBe(false);
    expect(clock.pendingTimers()).toBe(0);
  });

  it.each([{ ms: -1 }, { ms: Number.NaN }])("when advanced by $ms ms, throws", ({ ms }) => {
    const clock = new FakeClock();

    expect(() => {
      clock.advance(ms);
    }).toThrow(RangeError);
  });
});

describe("systemClock", () => {
  it("when asked for the time, reads the wall clock in epoch ms", () => {
    const before = Date.now();

    const now = systemClock.now();

    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });

  it("when a timer is cleared, it never fires while a later timer does", async () => {
    const fired: string[] = [];
    const cleared = systemClock.setTimeout(() => fired.push("cleared"), 0);
    const kept = new Promise<void>((resolve) => {
      systemClock.setTimeout(() => {
        fired.push("kept");
        resolve();
      }, 0);
    });

    systemClock.clearTimeout(cleared);
    await kept;

    expect(fired).toEqual(["kept"]);
  });

  it("when given a handle from another clock, ignores it", () => {
    const foreign = new FakeClock().setTimeout(() => undefined, 10);

    expect(() => {
      systemClock.clearTimeout(foreign);
    }).not.toThrow();
  });
});
