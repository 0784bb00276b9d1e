// A small OTLP/HTTP JSON receiver on loopback: what a collector would get from the real
// exporter, kept in memory so suites can check exported spans and their trace ids.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedExport {
  readonly path: string;
  readonly body: string;
}

export interface ExportedSpan {
  readonly service: string;
  readonly name: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
}

export interface OtlpReceiver {
  readonly url: string;
  readonly received: ReceivedExport[];
  /** Every span received so far, from the JSON bodies of /v1/traces. */
  spans(): ExportedSpan[];
  close(): Promise<void>;
}

interface OtlpJson {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
    scopeSpans?: {
      spans?: { name: string; traceId: string; spanId: string; parentSpanId?: string }[];
    }[];
  }[];
}

export function spansOf(body: string): ExportedSpan[] {
  const parsed = JSON.parse(body) as OtlpJson;
  return (parsed.resourceSpans ?? []).flatMap((resource) => {
    const service =
      resource.resource?.attributes?.find((a) => a.key === "service.name")?.value.stringValue ?? "";
    return (resource.scopeSpans ?? []).flatMap((scope) =>
      (scope.spans ?? []).map((span) => ({
        service,
        name: span.name,
        traceId: span.traceId,
        spanId: span.spanId,
        parentSpanId: span.parentSpanId ?? "",
      })),
    );
  });
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: ReceivedExport[] = [];
  const server = createServer((request, response) => {
    let body = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (body += chunk));
    request.on("end", () => {
      received.push({ path: request.url ?? "", body });
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    spans: () => received.filter((r) => r.path === "/v1/traces").flatMap((r) => spansOf(r.body)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
