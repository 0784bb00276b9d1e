// Wiring: configuration → model host → express app → listening server. The server
// listens before the model loads so liveness and the not-ready reason are visible.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApp } from "./app.js";
import type { ServiceConfig } from "./config.js";
import type { EngineOptions } from "./engine/llama-engine.js";
import { ModelHost } from "./host.js";
import { LlmMetrics } from "./metrics.js";
import { resolveSource } from "./source.js";

export interface RunningService {
  host: ModelHost;
  server: Server;
  port: number;
  /** Resolves when the model has loaded or failed to. */
  loaded: Promise<void>;
  /** Stops accepting, lets running requests finish, frees the model. */
  stop(): Promise<void>;
}

async function engineOptions(config: ServiceConfig): Promise<EngineOptions> {
  const modelPath = await resolveSource(config.model, config.digest, config.cacheDir);
  const adapters = [];
  for (const a of config.adapters)
    adapters.push({
      name: a.name,
      path: await resolveSource(a.uri, undefined, config.cacheDir),
      scale: a.scale,
    });
  const { name, threads, contextSize, parallel, maxQueue } = config;
  return { name, modelPath, adapters, threads, contextSize, parallel, maxQueue };
}

export async function startService(config: ServiceConfig): Promise<RunningService> {
  const host = new ModelHost(config.name, config.labels);
  const metrics = new LlmMetrics(host);
  const app = createApp({
    host,
    metrics,
    limits: { maxTokens: config.maxTokens, defaultMaxTokens: config.defaultMaxTokens },
    timeoutMs: config.timeoutMs,
    retryAfterSeconds: 1,
    bodyLimit: config.bodyLimit,
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, (error?: Error) => {
      if (error) reject(error);
      else resolve(s);
    });
  });
  const loaded = host.load(() => engineOptions(config));
  const stop = async () => {
    const closed = new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    server.closeIdleConnections();
    await closed;
    await loaded;
    await host.stop();
  };
  return { host, server, port: (server.address() as AddressInfo).port, loaded, stop };
}
