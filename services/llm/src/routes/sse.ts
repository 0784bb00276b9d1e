// Server-sent events for the streaming completions, written so that they stay off the
// token loop's critical path. node-llama-cpp starts decoding the next token only after the
// promise chain that follows `run.next()` has run; an event formatted and written before
// that (JSON.stringify, the chunked-encoding framing, the socket write) delays every
// token by its cost. `later` therefore queues the event and writes it on process.nextTick,
// which runs once the current microtasks, and with them the next decode's dispatch, are
// done. `now` writes at once, after anything still queued, so the order never changes.

/** The part of an HTTP response the writer uses (express's Response satisfies it). */
export interface SseSink {
  write(chunk: string): unknown;
  readonly writableEnded: boolean;
  /** The socket, whose buffered writes `sendNow` pushes out without waiting for a tick. */
  readonly socket: { uncork(): void } | null;
}

/** One event, framed exactly as `data: <json>` and a blank line. */
export const sseEvent = (data: unknown): string => `data: ${JSON.stringify(data)}\n\n`;

export class SseWriter {
  private queued: (() => unknown)[] = [];
  private scheduled = false;

  constructor(private readonly sink: SseSink) {}

  /** Queues an event (built lazily) to be written after the current microtasks. */
  later(build: () => unknown): void {
    this.queued.push(build);
    if (this.scheduled) return;
    this.scheduled = true;
    process.nextTick(this.flush);
  }

  /** Writes what is queued, then this event. */
  now(data: unknown): void {
    this.flush();
    this.sink.write(sseEvent(data));
  }

  /**
   * Writes at once and hands the bytes to the socket now: node's http response corks the
   * socket on every write until the next tick, which for the first token would wait for
   * the next decode's dispatch (up to a few milliseconds) — time the client sees as TTFT.
   */
  sendNow(data: unknown): void {
    this.now(data);
    this.sink.socket?.uncork();
  }

  /** Writes everything queued (a no-op once the response has ended). */
  readonly flush = (): void => {
    this.scheduled = false;
    const queued = this.queued;
    if (queued.length === 0) return;
    this.queued = [];
    if (this.sink.writableEnded) return;
    for (const build of queued) this.sink.write(sseEvent(build()));
  };
}
