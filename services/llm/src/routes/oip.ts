// Open Inference Protocol v2 health and metadata. Liveness never depends on the model;
// readiness does, and says why when it is not.
import { Router } from "express";
import { notFound, notReady } from "../errors.js";
import { modelVersion } from "../version.js";
import type { AppDeps } from "./deps.js";

export function oipRouter(deps: AppDeps): Router {
  const { host } = deps;
  const known = (name: string) => {
    if (name !== host.name && !(host.ready() && host.engine().variants.has(name)))
      throw notFound(`model "${name}" is not served here`);
  };
  return Router()
    .get("/v2/health/live", (_req, res) => {
      res.json({ live: true });
    })
    .get("/v2/health/ready", (_req, res) => {
      const reason = host.notReadyReason;
      res
        .status(reason ? 503 : 200)
        .json(reason ? { ready: false, error: reason } : { ready: true });
    })
    .get("/v2", (_req, res) => {
      res.json({
        name: "kubetune-llm",
        version: "0.1.0",
        extensions: ["generate", "openai", "classify"],
      });
    })
    .get("/v2/models/:name", (req, res) => {
      known(req.params.name);
      const engine = host.engine();
      res.json({
        name: req.params.name,
        versions: [modelVersion()],
        platform: `llama.cpp/${engine.architecture}`,
        inputs: [{ name: "text", datatype: "BYTES", shape: [-1] }],
        outputs: [{ name: "text", datatype: "BYTES", shape: [-1] }],
        parameters: { context_size: engine.contextSize, labels: host.labels?.labels ?? [] },
      });
    })
    .get("/v2/models/:name/ready", (req, res) => {
      known(req.params.name);
      if (!host.ready()) throw notReady(host.notReadyReason ?? "not ready");
      res.json({ name: req.params.name, ready: true });
    });
}
