// Decides how much of the generated text may be sent so far: text that could still turn
// into a stop sequence, or that ends in an incomplete UTF-8 character, is held back until
// the next token settles it.
export interface ScanStep {
  /** New text to send (may be empty). */
  emit: string;
  /** A stop sequence was found: generation ends, the stop itself is not sent. */
  stopped: boolean;
}

export class StopScanner {
  private sent = 0;
  private readonly longest: number;

  constructor(private readonly stops: readonly string[]) {
    this.longest = Math.max(0, ...stops.map((s) => s.length));
  }

  /** `text` is the whole completion so far (re-decoded from all tokens). */
  push(text: string): ScanStep {
    const from = Math.max(0, this.sent - this.longest);
    let stopAt = -1;
    for (const stop of this.stops) {
      const at = text.indexOf(stop, from);
      if (at >= 0 && (stopAt < 0 || at < stopAt)) stopAt = at;
    }
    if (stopAt >= 0) return { emit: this.take(text, stopAt), stopped: true };
    return { emit: this.take(text, this.safeEnd(text)), stopped: false };
  }

  /** Everything not yet sent, for when generation ends without a stop sequence. */
  flush(text: string): string {
    return this.take(text.replace(/\uFFFD+$/, ""), text.length);
  }

  private take(text: string, end: number): string {
    if (end <= this.sent) return "";
    const out = text.slice(this.sent, end);
    this.sent = end;
    return out;
  }

  private safeEnd(text: string): number {
    let end = text.length;
    while (end > this.sent && text[end - 1] === "\uFFFD") end--;
    for (let keep = Math.min(this.longest - 1, end - this.sent); keep > 0; keep--) {
      const tail = text.slice(end - keep, end);
      if (this.stops.some((stop) => stop.startsWith(tail))) return end - keep;
    }
    return end;
  }
}
