// Micro-batching: windows from concurrent requests wait a short time (or until the batch
// is full) and run through the model together, so the CPU does fewer, larger runs.
// Runs are one at a time: the model's threads are already busy with the current one.

export interface BatchRunner<In, Out> {
  (items: readonly In[]): Promise<Out[]>;
}

export interface BatcherOptions {
  maxBatchSize: number;
  /** How long the first item of a batch waits for company, in milliseconds. */
  maxWaitMs: number;
  onBatch?: (size: number) => void;
}

interface Pending<In, Out> {
  item: In;
  resolve: (out: Out) => void;
  reject: (error: unknown) => void;
}

export class MicroBatcher<In, Out> {
  private queue: Pending<In, Out>[] = [];
  private cancelWait: (() => void) | undefined;
  private running = false;

  constructor(
    private readonly run: BatchRunner<In, Out>,
    private readonly options: BatcherOptions,
  ) {}

  /** Items waiting for a run (not counting the one in progress). */
  get depth(): number {
    return this.queue.length;
  }

  submit(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running) return;
    if (this.queue.length >= this.options.maxBatchSize) {
      this.flush();
    } else if (this.cancelWait === undefined) {
      this.cancelWait = this.wait(() => {
        this.flush();
      });
    }
  }

  private wait(then: () => void): () => void {
    if (this.options.maxWaitMs > 0) {
      const timer = setTimeout(then, this.options.maxWaitMs);
      return () => {
        clearTimeout(timer);
      };
    }
    // No wait: still gather everything submitted in this turn of the event loop (all
    // windows of one request arrive synchronously).
    const immediate = setImmediate(then);
    return () => {
      clearImmediate(immediate);
    };
  }

  private flush(): void {
    this.cancelWait?.();
    this.cancelWait = undefined;
    if (this.running || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.options.maxBatchSize);
    this.running = true;
    this.options.onBatch?.(batch.length);
    this.run(batch.map((p) => p.item))
      .then(
        (outs) => {
          batch.forEach((p, i) => {
            p.resolve(outs[i] as Out);
          });
        },
        (error: unknown) => {
          for (const p of batch) p.reject(error);
        },
      )
      .finally(() => {
        this.running = false;
        // What arrived during the run has waited long enough: run it now.
        if (this.queue.length > 0) this.flush();
      });
  }
}
