// Rate limiters decide how long a failed key waits before it is retried. The shapes and the
// defaults follow client-go's util/workqueue default_rate_limiters.go, so our backoff
// behaves like every Go controller's: per-key exponential backoff, bounded overall by a
// token bucket.
import type { Clock } from "./clock.js";

export interface RateLimiter {
  /** Delay in ms before the key may be retried; counts as one more failure of the key. */
  when(key: string): number;
  /** Stops tracking the key (call after a successful reconcile). */
  forget(key: string): void;
  /** Failures recorded for the key since it was last forgotten. */
  numRequeues(key: string): number;
}

export interface ExponentialBackoffOptions {
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Per key: baseDelayMs * 2^failures, capped at maxDelayMs. */
export class ItemExponentialFailureRateLimiter implements RateLimiter {
  private readonly failures = new Map<string, number>();
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor({ baseDelayMs, maxDelayMs }: ExponentialBackoffOptions) {
    if (!(baseDelayMs > 0 && maxDelayMs >= baseDelayMs)) {
      throw new RangeError(`invalid backoff: base ${baseDelayMs} ms, max ${maxDelayMs} ms`);
    }
    this.baseDelayMs = baseDelayMs;
    this.maxDelayMs = maxDelayMs;
  }

  when(key: string): number {
    const previous = this.failures.get(key) ?? 0;
    this.failures.set(key, previous + 1);
    // 2 ** n becomes Infinity for large n; Math.min turns that into the cap.
    return Math.min(this.baseDelayMs * 2 ** previous, this.maxDelayMs);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }
}

export interface TokenBucketOptions {
  readonly clock: Clock;
  /** Tokens added per second. */
  readonly qps: number;
  /** Bucket size: how many retries may go through at once. */
  readonly burst: number;
}

/**
 * One bucket shared by all keys, starting full. Every when() takes a token; when none is left,
 * it reserves a future one and returns the wait for it (golang.org/x/time/rate Reserve).
 */
export class BucketRateLimiter implements RateLimiter {
  private readonly clock: Clock;
  private readonly qps: number;
  private readonly burst: number;
  private tokens: number;
  private last: number;

  constructor({ clock, qps, burst }: TokenBucketOptions) {
    if (!(qps > 0 && burst >= 1))
      throw new RangeError(`invalid bucket: ${qps} qps, burst ${burst}`);
    this.clock = clock;
    this.qps = qps;
    this.burst = burst;
    this.tokens = burst;
    this.last = clock.now();
  }

  when(): number {
    const now = this.clock.now();
    // A wall clock can step backwards; never refill (or drain) for negative elapsed time.
    const elapsedMs = Math.max(0, now - this.last);
    this.tokens = Math.min(this.burst, this.tokens + (elapsedMs * this.qps) / 1000) - 1;
    this.last = now;
    if (this.tokens >= 0) return 0;
    const waitMs = (-this.tokens / this.qps) * 1000;
    // Round away float noise first, then up to whole ms so a retry never comes early.
    return Math.ceil(Math.round(waitMs * 1000) / 1000);
  }

  forget(): void {
    // The bucket is shared by all keys: there is nothing per key to forget.
  }

  numRequeues(): number {
    return 0;
  }
}

/** Combines limiters: the longest delay wins, the highest requeue count is reported. */
export class MaxOfRateLimiter implements RateLimiter {
  private readonly limiters: readonly RateLimiter[];

  constructor(...limiters: RateLimiter[]) {
    if (limiters.length === 0) throw new RangeError("MaxOfRateLimiter needs at least one limiter");
    this.limiters = limiters;
  }

  when(key: string): number {
    // Every limiter must see the failure (map, then max), not just the first.
    return Math.max(...this.limiters.map((limiter) => limiter.when(key)));
  }

  forget(key: string): void {
    for (const limiter of this.limiters) limiter.forget(key);
  }

  numRequeues(key: string): number {
    return Math.max(...this.limiters.map((limiter) => limiter.numRequeues(key)));
  }
}

export const DEFAULT_BASE_DELAY_MS = 5;
export const DEFAULT_MAX_DELAY_MS = 1000 * 1000;
export const DEFAULT_QPS = 10;
export const DEFAULT_BURST = 100;

/**
 * controller-runtime's default: 5 ms doubling per failure up to 1000 s per key, and at most
 * 10 retries per second (burst 100) across all keys.
 */
export function defaultControllerRateLimiter(clock: Clock): RateLimiter {
  return new MaxOfRateLimiter(
    new ItemExponentialFailureRateLimiter({
      baseDelayMs: DEFAULT_BASE_DELAY_MS,
      maxDelayMs: DEFAULT_MAX_DELAY_MS,
    }),
    new BucketRateLimiter({ clock, qps: DEFAULT_QPS, burst: DEFAULT_BURST }),
  );
}
