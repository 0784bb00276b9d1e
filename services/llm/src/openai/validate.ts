// Validation of the OpenAI-compatible request bodies into plain, typed requests. Every
// problem is a 400 with a message naming the field.
import { invalidInput } from "../errors.js";
import { fieldsFromJsonSchema } from "../structured/fields.js";
import type { Field, StructuredFormat } from "../structured/fields.js";

export interface Sampling {
  maxTokens: number;
  temperature: number;
  topP: number;
  seed: number | undefined;
  stop: string[];
  /** vLLM's `ignore_eos`: end tokens do not stop generation, so max_tokens are generated (benchmarks, load tests). */
  ignoreEos: boolean;
}

export interface Structured {
  fields: Field[];
  format: StructuredFormat;
}

interface Common {
  model: string | undefined;
  sampling: Sampling;
  stream: boolean;
  includeUsage: boolean;
  structured: Structured | undefined;
}

export type ChatRole = "system" | "user" | "assistant";
export interface ChatMessage {
  role: ChatRole;
  content: string;
}
export interface ChatRequest extends Common {
  messages: ChatMessage[];
}
export interface CompletionRequest extends Common {
  prompt: string;
}

export interface Limits {
  maxTokens: number;
  defaultMaxTokens: number;
}

type Body = Record<string, unknown>;
const MAX_STOPS = 4;
const ROLES: Record<string, ChatRole> = {
  system: "system",
  developer: "system",
  user: "user",
  assistant: "assistant",
};

function asBody(body: unknown): Body {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw invalidInput("request body must be a JSON object");
  return body as Body;
}

function numberIn(body: Body, key: string, [min, max]: [number, number], fallback: number): number {
  const value = body[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max)
    throw invalidInput(`${key} must be a number from ${min} to ${max}`);
  return value;
}

function integerIn(body: Body, key: string, range: [number, number], fallback: number): number {
  const value = numberIn(body, key, range, fallback);
  if (!Number.isInteger(value)) throw invalidInput(`${key} must be an integer`);
  return value;
}

function stops(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  const list = typeof value === "string" ? [value] : value;
  if (
    !Array.isArray(list) ||
    list.length > MAX_STOPS ||
    !list.every((s) => typeof s === "string" && s !== "")
  )
    throw invalidInput(`stop must be a non-empty string or up to ${MAX_STOPS} of them`);
  return list as string[];
}

function sampling(body: Body, limits: Limits): Sampling {
  const maxKey = body.max_completion_tokens === undefined ? "max_tokens" : "max_completion_tokens";
  const seed =
    body.seed === undefined || body.seed === null
      ? undefined
      : integerIn(body, "seed", [0, 2 ** 32 - 1], 0);
  return {
    maxTokens: integerIn(body, maxKey, [1, limits.maxTokens], limits.defaultMaxTokens),
    temperature: numberIn(body, "temperature", [0, 2], 1),
    topP: numberIn(body, "top_p", [0, 1], 1),
    seed,
    stop: stops(body.stop),
    ignoreEos: body.ignore_eos === true,
  };
}

/** `response_format`: text, or a flat JSON schema answered as `json_schema` or `headless`. */
export function structured(value: unknown): Structured | undefined {
  if (value === undefined || value === null) return undefined;
  const format = asBody(value);
  if (format.type === "text") return undefined;
  if (format.type !== "json_schema" && format.type !== "headless")
    throw invalidInput("response_format.type must be text, json_schema or headless");
  const spec = asBody(format.json_schema ?? null);
  return {
    fields: fieldsFromJsonSchema(spec.schema),
    format: format.type === "headless" ? "headless" : "json",
  };
}

function common(body: Body, limits: Limits): Common {
  if (body.model !== undefined && typeof body.model !== "string")
    throw invalidInput("model must be a string");
  if (body.n !== undefined && body.n !== 1) throw invalidInput("n must be 1");
  for (const key of ["stream", "ignore_eos"])
    if (body[key] !== undefined && typeof body[key] !== "boolean")
      throw invalidInput(`${key} must be a boolean`);
  const options = body.stream_options as Body | undefined;
  return {
    model: body.model,
    sampling: sampling(body, limits),
    stream: body.stream === true,
    includeUsage: options?.include_usage === true,
    structured: structured(body.response_format),
  };
}

function textOf(content: unknown, index: number): string {
  if (typeof content === "string") return content;
  const parts = Array.isArray(content) ? (content as Body[]) : undefined;
  if (parts?.every((p) => typeof p === "object" && p.type === "text" && typeof p.text === "string"))
    return parts.map((p) => p.text as string).join("");
  throw invalidInput(`messages[${index}].content must be a string or text parts`);
}

function message(value: unknown, index: number): ChatMessage {
  const m = asBody(value);
  const role = typeof m.role === "string" ? ROLES[m.role] : undefined;
  if (!role)
    throw invalidInput(`messages[${index}].role must be system, developer, user or assistant`);
  return { role, content: textOf(m.content, index) };
}

export function parseChatRequest(raw: unknown, limits: Limits): ChatRequest {
  const body = asBody(raw);
  if (!Array.isArray(body.messages) || body.messages.length === 0)
    throw invalidInput("messages must be a non-empty array");
  const messages = body.messages.map(message);
  if (messages.at(-1)?.role === "assistant")
    throw invalidInput("the last message must not be from the assistant");
  return { ...common(body, limits), messages };
}

export function parseCompletionRequest(raw: unknown, limits: Limits): CompletionRequest {
  const body = asBody(raw);
  const prompt =
    Array.isArray(body.prompt) && body.prompt.length === 1
      ? (body.prompt[0] as unknown)
      : body.prompt;
  if (typeof prompt !== "string" || prompt === "")
    throw invalidInput("prompt must be a non-empty string");
  return { ...common(body, limits), prompt };
}
