// The express app: classification, OIP v2 health and metadata, /metrics, JSON errors.
import express from "express";
import type { Express } from "express";
import type { EncoderMetrics } from "../metrics.js";
import type { ModelHost } from "../model-host.js";
import { errorHandler, notFound } from "./errors.js";
import { classifyRouter, healthRouter } from "./routes.js";

export interface AppDeps {
  host: ModelHost;
  metrics: EncoderMetrics;
  log: (error: unknown) => void;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  const limit = deps.host.config.maxBodyBytes;
  const json = express.json({ limit, strict: true, type: () => true });
  app.use(healthRouter(deps.host));
  app.use(classifyRouter(deps, json));
  app.get("/metrics", async (_req, res) => {
    deps.metrics.queueDepth.set(
      deps.host.state.status === "ready" ? deps.host.state.classifier.queueDepth : 0,
    );
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  app.use(notFound);
  app.use(errorHandler(limit, deps.log));
  return app;
}
