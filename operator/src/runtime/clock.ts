// Time as a dependency: the work queue, the rate limiters and reconcilers read time and
// schedule timers only through a Clock, so tests drive time with FakeClock instead of waiting.

/** Returned by Clock.setTimeout; pass it back to the same clock's clearTimeout. */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Wall-clock time in epoch milliseconds (also used for condition transition times). */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

class SystemTimer implements TimerHandle {
  constructor(
    readonly id: number,
    readonly timeout: NodeJS.Timeout,
  ) {}
}

let lastSystemTimerId = 0;

/** The real clock: Date.now() and Node timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    lastSystemTimerId += 1;
    return new SystemTimer(lastSystemTimerId, setTimeout(fn, ms));
  },
  clearTimeout(handle) {
    // A handle from another clock was never scheduled here, so there is nothing to cancel.
    if (handle instanceof SystemTimer) clearTimeout(handle.timeout);
  },
};

interface FakeTimer {
  readonly id: number;
  readonly at: number;
  readonly fn: () => void;
}

/**
 * A clock that only moves when a test calls advance(). Timers fire synchronously inside
 * advance(), in order of due time (ties in scheduling order), and now() reads each timer's
 * due time while its callback runs.
 */
export class FakeClock implements Clock {
  private current: number;
  private lastId = 0;
  // Map iteration follows insertion order, which is id order: the tie-break for equal due times.
  private readonly timers = new Map<number, FakeTimer>();

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    this.lastId += 1;
    const timer = { id: this.lastId, at: this.current + Math.max(0, ms), fn };
    this.timers.set(timer.id, timer);
    return { id: timer.id };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle.id);
  }

  /** Timers scheduled and neither fired nor cleared. */
  pendingTimers(): number {
    return this.timers.size;
  }

  /**
   * Moves time forward by ms, firing every timer that falls due on the way, including
   * timers scheduled by fired callbacks while they are still within the window.
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`FakeClock cannot move by ${ms} ms`);
    const target = this.current + ms;
    for (let timer = this.nextDue(target); timer; timer = this.nextDue(target)) {
      this.timers.delete(timer.id);
      this.current = timer.at;
      timer.fn();
    }
    this.current = target;
  }

  private nextDue(limit: number): FakeTimer | undefined {
    let next: FakeTimer | undefined;
    for (const timer of this.timers.values()) {
      if (timer.at <= limit && (next === undefined || timer.at < next.at)) next = timer;
    }
    return next;
  }
}
