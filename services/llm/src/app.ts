// createApp(deps): the express application, without listen(), so tests drive it on port 0.
import express from "express";
import type { NextFunction, Request, Response } from "express";
import { errorMiddleware, notFound } from "./errors.js";
import { classifyRouter } from "./routes/classify.js";
import { completionsRouter } from "./routes/completions.js";
import type { AppDeps } from "./routes/deps.js";
import { modelsRouter } from "./routes/models.js";
import { oipRouter } from "./routes/oip.js";
import { tritonRouter } from "./routes/triton.js";

/** Known endpoints keep their path as a label; anything else is "other" (bounded cardinality). */
const ENDPOINTS = new Set([
  "/v1/chat/completions",
  "/v1/completions",
  "/v1/classify",
  "/v1/models",
  "/v1/adapters",
]);

const TRITON = /^\/v2\/models\/[^/]+\/(generate|generate_stream)$/;

function endpointOf(path: string): string {
  if (ENDPOINTS.has(path)) return path;
  const triton = TRITON.exec(path);
  return triton ? `/v2/models/:name/${triton[1] ?? ""}` : "other";
}

function countRequests(deps: AppDeps) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    res.on("close", () => {
      const endpoint = endpointOf(req.path);
      const code = res.writableFinished ? String(res.statusCode) : "499";
      const adapter = (res.locals as { adapter?: string }).adapter ?? "";
      deps.metrics.requests.inc({ endpoint, model: deps.host.name, adapter, code });
      deps.metrics.requestDuration.observe(
        { endpoint, code },
        (performance.now() - started) / 1000,
      );
    });
    next();
  };
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.get("/metrics", async (_req, res) => {
    res
      .set("content-type", deps.metrics.registry.contentType)
      .send(await deps.metrics.registry.metrics());
  });
  app.use(oipRouter(deps));
  app.use(countRequests(deps));
  app.use(express.json({ limit: deps.bodyLimit }));
  app.use(completionsRouter(deps), classifyRouter(deps), modelsRouter(deps), tritonRouter(deps));
  app.use((req) => {
    throw notFound(`no route for ${req.method} ${req.path}`);
  });
  app.use(errorMiddleware);
  return app;
}
