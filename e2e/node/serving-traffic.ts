// Real requests to a route from the host, counted by the variant that answered (the
// router's x-kubetune-variant header) and by failure. A failure is any answer that is not
// 2xx, or no answer at all; each is kept with its reason so a failing test says which.
import { setTimeout as sleep } from "node:timers/promises";
import { CLASSIFY_HEADERS } from "@kubetune/api";

const TITLES = [
  "low rank adaptation of large language models",
  "sparse attention for long document classification",
  "diffusion models for image synthesis",
  "a minimax bound for sparse regression",
  "convergence of stochastic gradient descent",
  "retrieval augmented generation for question answering",
];

export interface Tally {
  byVariant: Map<string, number>;
  escalated: number;
  failures: string[];
}

export const emptyTally = (): Tally => ({ byVariant: new Map(), escalated: 0, failures: [] });

export interface ClassifyCall {
  url: string;
  headers?: Record<string, string>;
  /** Picks the title; also makes the document id. */
  index: number;
}

/** One POST /v1/classify through the route, added to the tally. */
export async function classifyOnce(call: ClassifyCall, tally: Tally): Promise<void> {
  const text = TITLES[call.index % TITLES.length] ?? "";
  try {
    const response = await fetch(`${call.url}/v1/classify`, {
      method: "POST",
      headers: { "content-type": "application/json", ...call.headers },
      body: JSON.stringify({ documents: [{ id: `d${call.index}`, text }] }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = await response.text();
    if (!response.ok) {
      const at = new Date().toISOString().slice(11, 23);
      tally.failures.push(`${at} HTTP ${response.status}: ${body.slice(0, 200)}`);
      return;
    }
    const variant = response.headers.get(CLASSIFY_HEADERS.variant) ?? "(none)";
    tally.byVariant.set(variant, (tally.byVariant.get(variant) ?? 0) + 1);
    // The header counts the request's documents the LLM answered.
    tally.escalated += Number(response.headers.get(CLASSIFY_HEADERS.escalated) ?? 0);
  } catch (error) {
    // fetch says only "fetch failed"; the socket's own error is its cause.
    const cause = (error as { cause?: Error }).cause;
    const at = new Date().toISOString().slice(11, 23);
    tally.failures.push(`${at} no answer: ${String(error)}${cause ? ` (${cause.message})` : ""}`);
  }
}

/** `count` requests, `concurrency` at a time. */
export async function sendRequests(
  url: string,
  count: number,
  options: { concurrency?: number; headers?: (index: number) => Record<string, string> } = {},
): Promise<Tally> {
  const tally = emptyTally();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      await classifyOnce({ url, index, headers: options.headers?.(index) ?? {} }, tally);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return tally;
}

/**
 * Polls until a few requests in a row are answered: a route's Service refuses for a
 * moment after its router became Ready, until kube-proxy has written the Service's rules.
 */
export async function untilServing(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const tally = await sendRequests(url, 3, { concurrency: 1 });
    if (tally.failures.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`${url} still fails after ${timeoutMs} ms: ${tally.failures.join("; ")}`);
    await sleep(200);
  }
}

/** Requests in a loop until stopped, for what must hold while the route changes. */
export class BackgroundLoad {
  readonly tally = emptyTally();
  private running = true;
  private readonly workers: Promise<void>[];
  private sent = 0;

  constructor(url: string, concurrency = 2) {
    this.workers = Array.from({ length: concurrency }, async () => {
      while (this.running) {
        const failed = this.tally.failures.length;
        await classifyOnce({ url, index: this.sent++ }, this.tally);
        // A client that fails backs off a little instead of spinning on the CPU it shares.
        if (this.tally.failures.length > failed) await sleep(50);
      }
    });
  }

  get requests(): number {
    return this.sent;
  }

  async stop(): Promise<Tally> {
    this.running = false;
    await Promise.all(this.workers);
    return this.tally;
  }
}
