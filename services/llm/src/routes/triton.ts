// Triton's generate extension on the OIP v2 paths: POST /v2/models/:name/generate and
// /generate_stream ({text_input, parameters} in, {model_name, model_version, text_output}
// out; the stream sends one SSE event per text delta). The parameters are the completion
// options (max_tokens, temperature, top_p, seed, stop, ignore_eos), so the request takes
// the /v1/completions path.
import { Router } from "express";
import type { Request, Response } from "express";
import { invalidInput } from "../errors.js";
import { handler } from "./completions.js";
import type { AppDeps } from "./deps.js";

function asCompletion(name: string, body: unknown, stream: boolean): Record<string, unknown> {
  const b = (typeof body === "object" && body !== null ? body : {}) as Record<string, unknown>;
  const parameters = b.parameters ?? {};
  if (typeof parameters !== "object" || Array.isArray(parameters))
    throw invalidInput("parameters must be an object");
  return { ...parameters, model: name, prompt: b.text_input, stream };
}

export function tritonRouter(deps: AppDeps): Router {
  const generate = handler("triton", deps);
  const route = (stream: boolean) => async (req: Request<{ name: string }>, res: Response) => {
    req.body = asCompletion(req.params.name, req.body, stream);
    await generate(req, res);
  };
  return Router()
    .post("/v2/models/:name/generate", route(false))
    .post("/v2/models/:name/generate_stream", route(true));
}
