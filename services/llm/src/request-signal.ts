// One AbortSignal per request that fires when the client goes away or the per-request
// timeout passes; generation and queue waits listen to it.
import type { Request, Response } from "express";
import { HttpError, queueFull, timedOut } from "./errors.js";
import { QueueFullError } from "./queue.js";
import type { Lease, SequencePool } from "./queue.js";

export const clientGone = () => new HttpError(499, "the client closed the request");

export function requestSignal(_req: Request, res: Response, timeoutMs: number): AbortSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(timedOut());
  }, timeoutMs);
  res.on("close", () => {
    clearTimeout(timer);
    if (!res.writableFinished) controller.abort(clientGone());
  });
  return controller.signal;
}

/** A sequence lease, with a full queue answered as 429 + Retry-After. */
export async function lease<T>(
  pool: SequencePool<T>,
  signal: AbortSignal,
  retryAfterSeconds: number,
): Promise<Lease<T>> {
  try {
    return await pool.acquire(signal);
  } catch (error) {
    if (error instanceof QueueFullError) throw queueFull(retryAfterSeconds);
    throw error;
  }
}
