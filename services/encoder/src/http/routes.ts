// POST /v1/classify and the Open Inference Protocol v2 endpoints for one model.
import type { ClassifyResponse } from "@kubetune/api";
import { CLASSIFY_HEADERS } from "@kubetune/api";
import { SpanStatusCode } from "@opentelemetry/api";
import type { Request, Response, Router } from "express";
import express from "express";
import type { Classifier } from "../inference/classifier.js";
import type { EncoderMetrics } from "../metrics.js";
import type { ModelHost } from "../model-host.js";
import { extractContext, startServerSpan, withSpan } from "../tracing.js";
import { parseClassifyRequest } from "./classify-request.js";
import { HttpError, requireJson } from "./errors.js";
import { inferResponse, modelMetadata, parseInferRequest } from "./oip.js";

export interface RouteDeps {
  host: ModelHost;
  metrics: EncoderMetrics;
}

function readyClassifier(host: ModelHost): Classifier {
  if (host.state.status !== "ready")
    throw new HttpError(503, `model not ready: ${host.state.reason}`);
  return host.state.classifier;
}

function checkModelName(host: ModelHost, name: unknown): void {
  if (name !== host.name)
    throw new HttpError(404, `unknown model "${String(name)}"; this server serves "${host.name}"`);
}

/**
 * Wraps a classification handler: trace span continuing the caller's context, request
 * and document counters by status code, and the request duration.
 */
function counted(
  deps: RouteDeps,
  name: string,
  handler: (req: Request, res: Response) => Promise<number>,
) {
  return async (req: Request, res: Response) => {
    const span = startServerSpan(name, extractContext(req.headers));
    const started = performance.now();
    let documents = 0;
    try {
      documents = await withSpan(span, () => handler(req, res));
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
      throw error;
    } finally {
      res.once("finish", () => {
        const labels = {
          model: deps.host.name,
          version: deps.host.version,
          code: String(res.statusCode),
        };
        deps.metrics.requests.inc(labels);
        deps.metrics.documents.inc(labels, documents);
        deps.metrics.requestDuration.observe(labels, (performance.now() - started) / 1000);
        span.setAttribute("http.response.status_code", res.statusCode);
        span.end();
      });
    }
  };
}

export function classifyRouter(deps: RouteDeps, json: express.RequestHandler): Router {
  const { host } = deps;
  const router = express.Router();
  router.post(
    "/v1/classify",
    requireJson,
    json,
    counted(deps, "POST /v1/classify", async (req, res) => {
      const request = parseClassifyRequest(req.body, host.config.maxDocuments);
      const results = await readyClassifier(host).classify(request.documents, request.topK);
      const body: ClassifyResponse = { model: host.name, version: host.version, results };
      res.setHeader(CLASSIFY_HEADERS.modelVersion, host.version).json(body);
      return request.documents.length;
    }),
  );
  router.post(
    "/v2/models/:name/infer",
    requireJson,
    json,
    counted(deps, "POST /v2/models/infer", async (req, res) => {
      checkModelName(host, req.params.name);
      const request = parseInferRequest(req.body, host.config.maxDocuments);
      const classifier = readyClassifier(host);
      const results = await classifier.classify(
        request.texts.map((text, i) => ({ id: String(i), text })),
        classifier.labels.length,
      );
      res.json(inferResponse(host, classifier.labels, results, request.id));
      return request.texts.length;
    }),
  );
  return router;
}

export function healthRouter(host: ModelHost): Router {
  const router = express.Router();
  const ready = (_req: Request, res: Response) => {
    const { state } = host;
    if (state.status === "ready") res.json({ ready: true });
    else res.status(503).json({ ready: false, reason: state.reason });
  };
  router.get("/v2/health/live", (_req, res) => {
    res.json({ live: true });
  });
  router.get("/v2/health/ready", ready);
  router.get("/v2", (_req, res) => {
    res.json({ name: "kubetune-encoder", version: "0.1.0", extensions: [] });
  });
  router.get("/v2/models/:name", (req, res) => {
    checkModelName(host, req.params.name);
    res.json(modelMetadata(host));
  });
  router.get("/v2/models/:name/ready", (req, res) => {
    checkModelName(host, req.params.name);
    ready(req, res);
  });
  return router;
}
