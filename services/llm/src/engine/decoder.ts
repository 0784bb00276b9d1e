// Incremental detokenization: each new token is decoded with a few preceding tokens as
// context instead of re-decoding the whole completion every step (which is quadratic).
// Tokens that end inside a multi-byte UTF-8 character stay pending until it completes.
export type Detokenize<T> = (tokens: T[], lastTokens: T[]) => string;

const CONTEXT_TOKENS = 8;
/** A UTF-8 character spans at most 4 bytes, so at most 4 byte tokens wait for it. */
const MAX_PENDING = 4;
const INCOMPLETE = "\uFFFD";

export class IncrementalDecoder<T> {
  private committed = "";
  private pending: T[] = [];
  private context: T[] = [];

  constructor(private readonly detokenize: Detokenize<T>) {}

  /** Adds a token; returns the whole text so far (an unfinished character shows as U+FFFD). */
  push(token: T): string {
    this.pending.push(token);
    const piece = this.detokenize(this.pending, this.context);
    if (piece.endsWith(INCOMPLETE) && this.pending.length < MAX_PENDING)
      return this.committed + piece;
    this.committed += piece;
    this.context = [...this.context, ...this.pending].slice(-CONTEXT_TOKENS);
    this.pending = [];
    return this.committed;
  }
}
