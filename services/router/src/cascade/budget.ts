// The escalation budget: over a sliding window, escalated documents may be at most
// maxRate of all documents seen. The window is kept as one-second buckets in a ring, so
// the cost per request is constant and memory is bounded whatever the traffic.

const BUCKET_MS = 1000;

export class EscalationBudget {
  private readonly documents: number[];
  private readonly escalated: number[];
  private bucketStart = 0;
  private current = 0;

  constructor(
    private readonly maxRate: number,
    windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    const buckets = Math.max(1, Math.ceil(windowMs / BUCKET_MS));
    this.documents = new Array<number>(buckets).fill(0);
    this.escalated = new Array<number>(buckets).fill(0);
    this.bucketStart = this.now();
  }

  /** Counts documents that were classified, whether or not any of them escalates. */
  recordDocuments(count: number): void {
    this.advance();
    this.documents[this.current] = (this.documents[this.current] ?? 0) + count;
  }

  /** Takes one escalation from the budget if it stays within maxRate; false when spent. */
  tryEscalate(): boolean {
    this.advance();
    const documents = sum(this.documents);
    if (sum(this.escalated) + 1 > this.maxRate * documents + 1e-9) return false;
    this.escalated[this.current] = (this.escalated[this.current] ?? 0) + 1;
    return true;
  }

  /** Moves the ring to the bucket of the current time, clearing the buckets skipped over. */
  private advance(): void {
    const steps = Math.floor((this.now() - this.bucketStart) / BUCKET_MS);
    if (steps <= 0) return;
    const clear = Math.min(steps, this.documents.length);
    for (let i = 1; i <= clear; i++) {
      const index = (this.current + i) % this.documents.length;
      this.documents[index] = 0;
      this.escalated[index] = 0;
    }
    this.current = (this.current + steps) % this.documents.length;
    this.bucketStart += steps * BUCKET_MS;
  }
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
