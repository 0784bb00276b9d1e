// Replies and errors: every failure the router answers is JSON {"error": "..."} with a
// status that says whose fault it was (4xx the caller's, 502/503/504 a backend's).
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { UpstreamError } from "../upstream/errors.js";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

const UPSTREAM_STATUS = { refused: 502, reset: 502, invalid: 502, timeout: 504, unavailable: 503 };

/** The status and message a failure is answered with. */
export function describeError(error: unknown): { status: number; message: string } {
  if (error instanceof HttpError) return { status: error.status, message: error.message };
  if (error instanceof UpstreamError) {
    return { status: UPSTREAM_STATUS[error.failure], message: `backend: ${error.message}` };
  }
  return { status: 500, message: `internal error: ${String(error)}` };
}

export function sendError(
  res: ServerResponse,
  error: unknown,
  headers?: OutgoingHttpHeaders,
): void {
  const { status, message } = describeError(error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, { error: message }, headers);
}

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
]);

/** Headers worth forwarding, either way: everything but hop-by-hop and length. */
export function endToEndHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  }
  return kept;
}

/**
 * Reads a request body, answering 413 past `limit` bytes. Plain events rather than an
 * async iterator: this runs on every request, and the iterator costs measurably more.
 */
export function readRequestBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) {
    req.resume();
    return Promise.reject(new HttpError(413, `request body larger than ${limit} bytes`));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.once("end", () => {
      if (size > limit) reject(new HttpError(413, `request body larger than ${limit} bytes`));
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks));
    });
    req.once("error", reject);
  });
}
