// Admission in front of the context sequences: a request either gets a free sequence,
// waits in a bounded FIFO, or is refused at once (429) when the queue is full. Waiting
// ends early when the request's signal aborts (client gone, timeout).
export class QueueFullError extends Error {
  constructor() {
    super("queue full");
  }
}

export interface Lease<T> {
  item: T;
  /** Seconds the request waited for its sequence. */
  waitedSeconds: number;
  release(): void;
}

interface Waiter<T> {
  grant(lease: Lease<T>): void;
  since: number;
}

/** Shared by every pool of one server: the bound on waiting requests is global. */
export class Admission {
  waiting = 0;
  constructor(readonly maxWaiting: number) {}
}

export class SequencePool<T> {
  private readonly free: T[];
  private readonly waiters: Waiter<T>[] = [];
  private busy = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    items: T[],
    private readonly admission: Admission,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.free = [...items];
  }

  get inFlight(): number {
    return this.busy;
  }

  /** Resolves once no lease is out (used before freeing what the items hold). */
  idle(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  acquire(signal: AbortSignal): Promise<Lease<T>> {
    signal.throwIfAborted();
    const start = this.now();
    const item = this.free.shift();
    if (item !== undefined) return Promise.resolve(this.lease(item, start));
    if (this.admission.waiting >= this.admission.maxWaiting)
      return Promise.reject(new QueueFullError());
    return this.wait(signal, start);
  }

  private wait(signal: AbortSignal, since: number): Promise<Lease<T>> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter<T> = {
        since,
        grant: (lease) => {
          signal.removeEventListener("abort", onAbort);
          resolve(lease);
        },
      };
      const onAbort = () => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        this.admission.waiting--;
        reject(signal.reason as Error);
      };
      signal.addEventListener("abort", onAbort, { once: true });
      this.waiters.push(waiter);
      this.admission.waiting++;
    });
  }

  private lease(item: T, since: number): Lease<T> {
    this.busy++;
    let released = false;
    return {
      item,
      waitedSeconds: (this.now() - since) / 1000,
      release: () => {
        if (released) return;
        released = true;
        this.busy--;
        this.handOver(item);
      },
    };
  }

  private handOver(item: T): void {
    const next = this.waiters.shift();
    if (!next) {
      this.free.push(item);
      if (this.busy === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
      return;
    }
    this.admission.waiting--;
    next.grant(this.lease(item, next.since));
  }
}
