// The router process around the handler: a node:http server on the given address, and a
// graceful stop: no new connections, in-flight requests finish (up to a grace period),
// idle keep-alive connections close, then the upstream pools.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RequestHandler } from "./app.js";

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  /** Stops accepting, waits for in-flight requests up to graceMs, then closes the rest. */
  drain(graceMs: number): Promise<void>;
}

export function listen(
  handler: RequestHandler,
  port: number,
  host: string,
): Promise<RunningServer> {
  let inFlight = 0;
  let draining = false;
  const idle: (() => void)[] = [];
  const server = createServer((req, res) => {
    inFlight++;
    if (draining) res.setHeader("connection", "close");
    res.once("close", () => {
      inFlight--;
      if (inFlight === 0) for (const resolve of idle.splice(0)) resolve();
    });
    handler(req, res);
  });
  // Longer than upstream-facing idle timeouts of the clients we expect (load balancers).
  server.keepAliveTimeout = 65_000;
  const drain = async (graceMs: number) => {
    draining = true;
    const closed = new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    server.closeIdleConnections();
    if (inFlight > 0) {
      const done = new Promise<void>((resolve) => idle.push(resolve));
      const grace = new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref());
      await Promise.race([done, grace]);
    }
    server.closeAllConnections();
    await closed;
  };
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      resolve({ server, port: (server.address() as AddressInfo).port, drain });
    });
  });
}
