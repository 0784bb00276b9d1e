// Response and stream-chunk bodies: OpenAI chat and text completions, and Triton's
// generate extension (`text_output`), which shares their generation path.
import type { GenerateResult } from "../engine/generate.js";
import { modelVersion } from "../version.js";

export type Kind = "chat" | "text" | "triton";

function tritonBody(meta: ResponseMeta, text: string, finishReason: string | null) {
  return {
    model_name: meta.model,
    model_version: modelVersion(),
    text_output: text,
    ...(finishReason ? { finish_reason: finishReason } : {}),
  };
}

export interface ResponseMeta {
  id: string;
  created: number;
  model: string;
}

export function usage(result: Pick<GenerateResult, "promptTokens" | "completionTokens">) {
  return {
    prompt_tokens: result.promptTokens,
    completion_tokens: result.completionTokens,
    total_tokens: result.promptTokens + result.completionTokens,
  };
}

export function responseBody(
  kind: Kind,
  meta: ResponseMeta,
  result: GenerateResult,
  content: string,
) {
  if (kind === "triton")
    return { ...tritonBody(meta, content, result.finishReason), usage: usage(result) };
  const choice =
    kind === "chat"
      ? {
          index: 0,
          message: { role: "assistant", content },
          finish_reason: result.finishReason,
          logprobs: null,
        }
      : { index: 0, text: content, finish_reason: result.finishReason, logprobs: null };
  return {
    id: meta.id,
    object: kind === "chat" ? "chat.completion" : "text_completion",
    created: meta.created,
    model: meta.model,
    choices: [choice],
    usage: usage(result),
  };
}

/** One stream chunk: a delta, or the final one with `finishReason` set. */
export function chunkBody(
  kind: Kind,
  meta: ResponseMeta,
  delta: string,
  finishReason: string | null = null,
) {
  if (kind === "triton") return tritonBody(meta, delta, finishReason);
  const choice =
    kind === "chat"
      ? {
          index: 0,
          delta: delta === "" ? {} : { content: delta },
          finish_reason: finishReason,
          logprobs: null,
        }
      : { index: 0, text: delta, finish_reason: finishReason, logprobs: null };
  return {
    id: meta.id,
    object: kind === "chat" ? "chat.completion.chunk" : "text_completion",
    created: meta.created,
    model: meta.model,
    choices: [choice],
  };
}

/** A chat stream's first chunk: the assistant's role, no content yet. */
export function roleChunk(meta: ResponseMeta) {
  const choice = {
    index: 0,
    delta: { role: "assistant", content: "" },
    finish_reason: null,
    logprobs: null,
  };
  return { ...chunkBody("chat", meta, ""), choices: [choice] };
}

/** The last chunk before [DONE] when the client asked for usage in the stream. */
export function usageChunk(kind: Kind, meta: ResponseMeta, result: GenerateResult) {
  return { ...chunkBody(kind, meta, ""), choices: [], usage: usage(result) };
}
