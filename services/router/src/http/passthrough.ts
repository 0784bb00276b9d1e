// OpenAI-compatible paths, proxied as they are: the request body goes to the chosen
// variant, the response streams back chunk by chunk (SSE is never buffered). A stream that
// breaks after its headers were sent ends with an SSE error event, or a reset otherwise.
import type { OutgoingHttpHeaders } from "node:http";
import type { Answer } from "../upstream/call.js";
import type { UpstreamRequest } from "../upstream/send.js";
import type { Exchange } from "./exchange.js";
import { endToEndHeaders } from "./respond.js";

export function relayStream(exchange: Exchange, answer: Answer): void {
  const { response } = answer;
  const { res } = exchange;
  const headers: OutgoingHttpHeaders = endToEndHeaders(response.headers);
  const length = response.headers["content-length"];
  if (typeof length === "string") headers["content-length"] = length;
  res.writeHead(response.statusCode, exchange.addRoutedHeaders(headers));
  const isEventStream = String(response.headers["content-type"]).startsWith("text/event-stream");
  // Not stream.pipeline: it would destroy the client response before the error event.
  const { body } = response;
  body.pipe(res);
  body.once("error", (error) => {
    body.unpipe(res);
    if (res.writableEnded || res.destroyed) return;
    if (isEventStream) {
      res.end(`data: ${JSON.stringify({ error: `backend stream failed: ${error.message}` })}\n\n`);
    } else {
      res.destroy(error);
    }
  });
  res.once("close", () => {
    if (!body.readableEnded) body.destroy();
  });
}

/** The request to send upstream: the client's end-to-end headers and its body, as read. */
export function upstreamRequest(exchange: Exchange, body: Buffer, path: string): UpstreamRequest {
  const headers = endToEndHeaders(exchange.req.headers);
  headers["content-length"] = String(body.length);
  return {
    method: exchange.req.method ?? "POST",
    path,
    headers,
    body,
    timeoutMs: exchange.table?.requestTimeoutMs ?? 30_000,
  };
}
