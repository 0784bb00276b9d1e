// /healthz (the process is alive), /readyz (caches synced; a standby replica is ready too)
// and /metrics (Prometheus text format) on one port.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { Registry } from "prom-client";

export interface HealthChecks {
  ready: () => boolean;
}

export function startHealthServer(
  port: number,
  host: string,
  registry: Registry,
  checks: HealthChecks,
): Promise<Server> {
  const server = createServer((req, res) => {
    const reply = (code: number, body: string, type = "text/plain") => {
      res.writeHead(code, { "content-type": type });
      res.end(body);
    };
    if (req.url === "/healthz") {
      reply(200, "ok");
      return;
    }
    if (req.url === "/readyz") {
      if (checks.ready()) reply(200, "ok");
      else reply(503, "caches not synced");
      return;
    }
    if (req.url === "/metrics") {
      registry.metrics().then(
        (text) => {
          reply(200, text, registry.contentType);
        },
        (error: unknown) => {
          reply(500, String(error));
        },
      );
      return;
    }
    reply(404, "not found");
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      resolve(server);
    });
  });
}
