// One HTTP request to one endpoint, resolved when the response headers arrive. The timeout
// is an idle timeout on the socket: it bounds the wait for headers and every gap in a
// stream after them, so a long stream that keeps flowing is never cut.
import { request } from "node:http";
import type { IncomingMessage, OutgoingHttpHeaders } from "node:http";
import type { Endpoint } from "./endpoints.js";
import { UpstreamError } from "./errors.js";

export interface UpstreamRequest {
  readonly method: string;
  readonly path: string;
  /** Sent as they are: content-length must match the body. Trace context is written in. */
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer;
  readonly timeoutMs: number;
}

function classify(error: NodeJS.ErrnoException, reused: boolean): UpstreamError {
  if (error instanceof UpstreamError) return error;
  if (error.code === "ECONNREFUSED") {
    return new UpstreamError("refused", `connection refused (${error.message})`, true);
  }
  // A pooled keep-alive socket the backend closed just as we reused it: the backend
  // closed it idle, so it never read this request (Node's documented retry case).
  const staleSocket = reused && (error.code === "ECONNRESET" || error.code === "EPIPE");
  return new UpstreamError("reset", error.message, staleSocket);
}

export function send(endpoint: Endpoint, upstream: UpstreamRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: endpoint.url.hostname,
      port: endpoint.url.port,
      method: upstream.method,
      path: upstream.path,
      agent: endpoint.agent,
      headers: upstream.headers,
    });
    req.setTimeout(upstream.timeoutMs, () => {
      req.destroy(new UpstreamError("timeout", `no answer within ${upstream.timeoutMs} ms`));
    });
    req.once("response", resolve);
    req.once("error", (error: NodeJS.ErrnoException) => {
      reject(classify(error, req.reusedSocket));
    });
    req.end(upstream.body);
  });
}

/** Reads a whole response body, failing past `limit` bytes or when the body breaks off. */
export async function readAll(stream: IncomingMessage, limit: number): Promise<Buffer> {
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
    throw new UpstreamError("reset", `response broke off: ${(error as Error).message}`);
  }
  return Buffer.concat(chunks);
}
