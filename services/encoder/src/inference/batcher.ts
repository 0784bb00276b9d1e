// Micro-batching: windows from concurrent requests wait a short time (or until the batch
// is full) and run through the model together, so the CPU does fewer, larger runs.
// Runs are one at a time: the model's threads are already busy with the current one.
// A batch is full at maxBatchSize items or, with a token budget, when one more item would
// make batch size × longest item exceed it: the model pads every row to the longest, and
// its activation memory grows with that padded size (so a large model on long windows
// runs fewer at once, while short documents still batch widely).

export interface BatchRunner<In, Out> {
  (items: readonly In[]): Promise<Out[]>;
}

export interface BatcherOptions<In> {
  maxBatchSize: number;
  /** Bounds batch size × the largest item's tokens; one item always runs, however large. */
  maxBatchTokens?: number;
  tokensOf?: (item: In) => number;
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
    private readonly options: BatcherOptions<In>,
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
    if (
      this.nextBatchSize() < this.queue.length ||
      this.queue.length >= this.options.maxBatchSize
    ) {
      this.flush();
    } else if (this.cancelWait === undefined) {
      this.cancelWait = this.wait(() => {
        this.flush();
      });
    }
  }

  /** How many queued items, from the front, the next batch takes. */
  private nextBatchSize(): number {
    const { maxBatchSize, maxBatchTokens, tokensOf } = this.options;
    const limit = Math.min(maxBatchSize, this.queue.length);
    if (maxBatchTokens === undefined || tokensOf === undefined) return limit;
    let longest = 0;
    for (let count = 0; count < limit; count++) {
      longest = Math.max(longest, tokensOf((this.queue[count] as Pending<In, Out>).item));
      if (count > 0 && (count + 1) * longest > maxBatchTokens) return count;
    }
    return limit;
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
    const batch = this.queue.splice(0, this.nextBatchSize());
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
