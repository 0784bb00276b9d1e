// One HTTP request to one endpoint, resolved when the response headers arrive. The timeout
// bounds the wait for headers and every gap in the body after them (undici's headers and
// body timeouts), so a long stream that keeps flowing is never cut.
import type { Readable } from "node:stream";
import type { Endpoint } from "./endpoints.js";
import { UpstreamError } from "./errors.js";

export interface UpstreamRequest {
  readonly method: string;
  readonly path: string;
  /** Sent as they are: content-length must match the body. Trace context is written in. */
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
  readonly timeoutMs: number;
}

export interface UpstreamResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Must be read to its end or destroyed: its connection is reused only after that. */
  readonly body: Readable;
}

const TIMEOUTS = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

function classify(error: unknown, timeoutMs: number): UpstreamError {
  if (error instanceof UpstreamError) return error;
  const { code, message } = error as NodeJS.ErrnoException;
  if (code === "ECONNREFUSED") {
    return new UpstreamError("refused", `connection refused (${message})`, true);
  }
  if (code !== undefined && TIMEOUTS.has(code)) {
    return new UpstreamError("timeout", `no answer within ${timeoutMs} ms`);
  }
  return new UpstreamError("reset", message);
}

export async function send(
  endpoint: Endpoint,
  upstream: UpstreamRequest,
): Promise<UpstreamResponse> {
  try {
    const { statusCode, headers, body } = await endpoint.connections.request({
      method: upstream.method,
      path: upstream.path,
      headers: upstream.headers,
      body: upstream.body,
      headersTimeout: upstream.timeoutMs,
      bodyTimeout: upstream.timeoutMs,
    });
    return { statusCode, headers, body };
  } catch (error) {
    throw classify(error, upstream.timeoutMs);
  }
}

/** Reads a whole response body, failing past `limit` bytes or when the body breaks off. */
export async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buffer = chunk as Buffer;
      size += buffer.length;
      if (size > limit) throw new UpstreamError("invalid", `response larger than ${limit} bytes`);
      chunks.push(buffer);
    }
  } catch (error) {
    stream.destroy();
    if (error instanceof UpstreamError) throw error;
    const { code, message } = error as NodeJS.ErrnoException;
    if (code === "UND_ERR_BODY_TIMEOUT") throw new UpstreamError("timeout", message);
    throw new UpstreamError("reset", `response broke off: ${message}`);
  }
  return Buffer.concat(chunks);
}
