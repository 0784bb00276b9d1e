// GET /v1/models (the base and every loaded adapter as `<base>:<adapter>`), and loading
// or unloading an adapter at run time (POST /v1/adapters, DELETE /v1/adapters/:name).
import { Router } from "express";
import { invalidInput } from "../errors.js";
import type { AppDeps } from "./deps.js";

function adapterBody(body: unknown): { name: string; path: string; scale: number } {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  if (typeof b.name !== "string" || typeof b.path !== "string")
    throw invalidInput("an adapter needs a name and a path (a local GGUF LoRA file)");
  const scale = b.scale ?? 1;
  if (typeof scale !== "number" || !Number.isFinite(scale) || scale < 0 || scale > 4)
    throw invalidInput("scale must be a number from 0 to 4");
  return { name: b.name, path: b.path, scale };
}

export function modelsRouter(deps: AppDeps): Router {
  return Router()
    .get("/v1/models", (_req, res) => {
      const engine = deps.host.engine();
      const data = [...engine.variants.values()].map((v) => ({
        id: v.name,
        object: "model",
        created: 0,
        owned_by: "kubetune",
        ...(v.adapter
          ? { parent: deps.host.name, adapter: { name: v.adapter.name, scale: v.adapter.scale } }
          : {}),
      }));
      res.json({ object: "list", data });
    })
    .post("/v1/adapters", async (req, res) => {
      const variant = await deps.host.engine().addAdapter(adapterBody(req.body));
      res.status(201).json({ id: variant.name, object: "model" });
    })
    .delete("/v1/adapters/:name", async (req, res) => {
      await deps.host.engine().removeAdapter(req.params.name);
      res.status(204).end();
    });
}
