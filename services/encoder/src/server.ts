// Starting and stopping the service: listen as soon as possible (liveness does not wait
// for the model), load in the background, and on stop refuse new connections while
// in-flight requests finish.
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { EncoderConfig } from "./config.js";
import { createApp } from "./http/app.js";
import { EncoderMetrics } from "./metrics.js";
import { ModelHost } from "./model-host.js";

export interface Logger {
  info(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface RunningEncoder {
  host: ModelHost;
  metrics: EncoderMetrics;
  port: number;
  /** Resolves once the model is loaded and warmed up, or failed. */
  loaded: Promise<ModelHost["state"]>;
  stop(): Promise<void>;
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startEncoder(config: EncoderConfig, logger: Logger): Promise<RunningEncoder> {
  const metrics = new EncoderMetrics();
  const host = new ModelHost(config, metrics);
  const app = createApp({
    host,
    metrics,
    log: (error) => {
      logger.error(
        { error: error instanceof Error ? error.stack : String(error) },
        "Request failed",
      );
    },
  });
  const http = createServer(app);
  const port = await listen(http, config.host, config.port);
  logger.info({ host: config.host, port }, "Listening");
  const loaded = host.load().then((state) => {
    if (state.status === "ready") {
      logger.info(
        {
          model: host.name,
          version: host.version,
          digest: state.model.digest,
          labels: state.classifier.labels,
          textTokensPerWindow: state.classifier.plan.size,
        },
        "Model ready",
      );
    } else {
      logger.error({ model: host.name, reason: state.reason }, "Model not loaded");
    }
    return state;
  });
  const stop = async () => {
    const closed = new Promise<void>((resolve) =>
      http.close(() => {
        resolve();
      }),
    );
    http.closeIdleConnections();
    await closed;
    await loaded;
    await host.close();
  };
  return { host, metrics, port, loaded, stop };
}
