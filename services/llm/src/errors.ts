// HTTP errors with their status codes, and the one middleware that turns any error into
// the kubetune error body {"error": "..."}.
import type { ErrorRequestHandler } from "express";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const invalidInput = (message: string) => new HttpError(400, message);
export const notFound = (message: string) => new HttpError(404, message);
export const notReady = (message: string) => new HttpError(503, message);

/** The queue in front of the sequences is full: retry after the given seconds. */
export const queueFull = (retryAfterSeconds: number) =>
  new HttpError(429, "the request queue is full, retry later", {
    "retry-after": String(retryAfterSeconds),
  });

export const timedOut = () => new HttpError(504, "the request timed out");

/** Maps body-parser and our own errors to a status; anything else is a 500. */
export function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const e = error as { status?: unknown; type?: unknown; message?: unknown };
  if (e.type === "entity.too.large") return new HttpError(413, "request body is too large");
  if (e.type === "entity.parse.failed") return invalidInput("request body is not valid JSON");
  if (typeof e.status === "number" && e.status >= 400 && e.status < 500)
    return new HttpError(e.status, typeof e.message === "string" ? e.message : "bad request");
  return new HttpError(500, error instanceof Error ? error.message : "internal error");
}

export const errorMiddleware: ErrorRequestHandler = (error, _req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const http = toHttpError(error);
  res.status(http.status).set(http.headers).json({ error: http.message });
};
