// The controller work queue, with client-go util/workqueue semantics (queue.go,
// delaying_queue.go, rate_limiting_queue.go) for string keys ("ns/name"), never objects:
//
// - Stingy: a key added several times before it is handed out is handed out once.
// - Exclusive: a key handed out by get() is not handed out again until done(key); if it was
//   added meanwhile, it is queued once more at done().
// - Fair: keys are handed out in the order they were added, to waiting workers in the order
//   they called get().
//
// Everything runs on one event loop, so "concurrent" workers are async loops awaiting get();
// the bookkeeping is synchronous and needs no locks.
import { systemClock, type Clock, type TimerHandle } from "./clock.js";
import { defaultControllerRateLimiter, type RateLimiter } from "./rate-limiter.js";

/** What the queue reports; the runtime binds these to Prometheus, the queue knows nothing of it. */
export interface QueueMetrics {
  /** Keys waiting to be handed out, including re-adds parked until their in-flight run is done. */
  depth(n: number): void;
  /** A key entered the queue (a coalesced add is not counted). */
  added(): void;
  /** A key was scheduled by addAfter or addRateLimited. */
  retried(): void;
  /** Seconds from add to get. */
  latency(seconds: number): void;
  /** Seconds from get to done. */
  workDuration(seconds: number): void;
}

export const noopQueueMetrics: QueueMetrics = {
  depth: () => undefined,
  added: () => undefined,
  retried: () => undefined,
  latency: () => undefined,
  workDuration: () => undefined,
};

export interface WorkQueueOptions {
  /** Defaults to systemClock. */
  readonly clock?: Clock;
  /** Defaults to defaultControllerRateLimiter(clock). */
  readonly rateLimiter?: RateLimiter;
  /** Defaults to noopQueueMetrics. */
  readonly metrics?: QueueMetrics;
}

interface DelayedAdd {
  readonly readyAt: number;
  readonly timer: TimerHandle;
}

type Getter = (key: string | undefined) => void;

const toSeconds = (ms: number): number => ms / 1000;

export class WorkQueue {
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter;
  private readonly metrics: QueueMetrics;
  /** Keys ready to hand out. A Set iterates in insertion order and holds a key once: a FIFO. */
  private readonly queue = new Set<string>();
  /** Keys that need processing: everything queued, plus re-adds of keys in flight. */
  private readonly dirty = new Set<string>();
  /** Keys handed out by get() and not yet done(). */
  private readonly processing = new Set<string>();
  /** One timer per key waiting for addAfter. */
  private readonly delayed = new Map<string, DelayedAdd>();
  private readonly addedAt = new Map<string, number>();
  private readonly startedAt = new Map<string, number>();
  /** Pending get() calls; only ever non-empty while the queue is empty. */
  private readonly getters: Getter[] = [];
  private readonly drainers: (() => void)[] = [];
  private shuttingDown = false;
  private draining = false;

  constructor(options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.rateLimiter = options.rateLimiter ?? defaultControllerRateLimiter(this.clock);
    this.metrics = options.metrics ?? noopQueueMetrics;
  }

  /** Marks the key as needing processing. Ignored after shutdown. */
  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    this.addedAt.set(key, this.clock.now());
    this.metrics.added();
    this.metrics.depth(this.dirty.size);
    // A key in flight is parked in dirty; done() queues it again.
    if (!this.processing.has(key)) this.enqueue(key);
  }

  /**
   * Waits for the next key; the caller must call done(key) when finished with it. Resolves
   * undefined once the queue is shut down (for shutDownWithDrain: once nothing is queued or
   * in flight any more), which tells a worker to exit.
   */
  get(): Promise<string | undefined> {
    const next = this.queue.values().next();
    if (next.done !== true) return Promise.resolve(this.take(next.value));
    if (this.finished()) return Promise.resolve(undefined);
    return new Promise<string | undefined>((resolve) => {
      this.getters.push(resolve);
    });
  }

  /** Ends processing of a key handed out by get(). Other keys are ignored. */
  done(key: string): void {
    if (!this.processing.delete(key)) return;
    const startedAt = this.startedAt.get(key);
    this.startedAt.delete(key);
    if (startedAt !== undefined) this.metrics.workDuration(toSeconds(this.clock.now() - startedAt));
    if (this.dirty.has(key)) this.enqueue(key);
    this.settle();
  }

  /** Keys ready to hand out now (not counting keys in flight, parked or delayed). */
  len(): number {
    return this.queue.size;
  }

  /**
   * Adds the key after ms (ms <= 0: now). While the key waits, an earlier addAfter replaces
   * the pending one and a later one is ignored. A direct add() does not cancel the wait.
   */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    this.metrics.retried();
    if (!(ms > 0)) {
      this.add(key);
      return;
    }
    const readyAt = this.clock.now() + ms;
    const pending = this.delayed.get(key);
    if (pending !== undefined && pending.readyAt <= readyAt) return;
    if (pending !== undefined) this.clock.clearTimeout(pending.timer);
    const timer = this.clock.setTimeout(() => {
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { readyAt, timer });
  }

  /** Adds the key once the rate limiter allows it; counts one more failure of the key. */
  addRateLimited(key: string): void {
    if (this.shuttingDown) return;
    this.addAfter(key, this.rateLimiter.when(key));
  }

  /** Resets the key's backoff (call after a successful reconcile). */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.rateLimiter.numRequeues(key);
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /**
   * Stops now: further adds are ignored, delayed adds are cancelled, queued keys are dropped
   * and every get() resolves undefined. Keys in flight may still be passed to done(). Also
   * ends a pending shutDownWithDrain without waiting.
   */
  shutDown(): void {
    this.draining = false;
    this.stopAccepting();
    this.queue.clear();
    this.dirty.clear();
    this.addedAt.clear();
    this.metrics.depth(0);
    this.settle();
  }

  /**
   * Stops accepting keys (adds ignored, delayed adds cancelled) and resolves once every key
   * already accepted has been handed out and done, including re-adds parked behind keys in
   * flight. Workers must keep calling get() and done() until get() resolves undefined.
   */
  shutDownWithDrain(): Promise<void> {
    const drained = new Promise<void>((resolve) => {
      this.drainers.push(resolve);
    });
    if (!this.shuttingDown) {
      this.draining = true;
      this.stopAccepting();
    }
    this.settle();
    return drained;
  }

  private stopAccepting(): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) this.clock.clearTimeout(timer);
    this.delayed.clear();
  }

  private enqueue(key: string): void {
    const getter = this.getters.shift();
    if (getter === undefined) {
      this.queue.add(key);
      return;
    }
    // Getters only wait while the queue is empty, so handing over directly keeps FIFO order.
    getter(this.take(key));
  }

  /** Moves a key from ready (or dirty) to processing, synchronously, before anyone else runs. */
  private take(key: string): string {
    const now = this.clock.now();
    this.queue.delete(key);
    this.dirty.delete(key);
    this.processing.add(key);
    this.startedAt.set(key, now);
    const addedAt = this.addedAt.get(key);
    this.addedAt.delete(key);
    if (addedAt !== undefined) this.metrics.latency(toSeconds(now - addedAt));
    this.metrics.depth(this.dirty.size);
    return key;
  }

  private finished(): boolean {
    if (!this.shuttingDown) return false;
    return !this.draining || (this.queue.size === 0 && this.processing.size === 0);
  }

  /** Releases waiting workers and drain callers once the queue has finished. */
  private settle(): void {
    if (!this.finished()) return;
    for (const resolve of this.getters.splice(0)) resolve(undefined);
    for (const resolve of this.drainers.splice(0)) resolve();
  }
}
