// The service's command line and the model's optional configuration file (labels,
// problem type, classify prompt) into one validated configuration.
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import type { LabelConfig } from "./classify/classifier.js";
import { DEFAULT_CLASSIFY_PROMPT } from "./classify/prompt.js";

export interface AdapterArg {
  name: string;
  uri: string;
  scale: number;
}

export interface ServiceConfig {
  name: string;
  model: string;
  digest: string | undefined;
  adapters: AdapterArg[];
  labels: LabelConfig | undefined;
  host: string;
  port: number;
  threads: number;
  contextSize: number | undefined;
  parallel: number;
  maxQueue: number;
  timeoutMs: number;
  maxTokens: number;
  defaultMaxTokens: number;
  bodyLimit: string;
  /** Where models given by http(s) URI are kept. */
  cacheDir: string;
}

const OPTIONS = {
  model: { type: "string" },
  digest: { type: "string" },
  adapter: { type: "string", multiple: true },
  labels: { type: "string" },
  "multi-label": { type: "boolean" },
  "classify-adapter": { type: "string" },
  config: { type: "string" },
  name: { type: "string" },
  host: { type: "string", default: "127.0.0.1" },
  port: { type: "string", default: "8080" },
  threads: { type: "string", default: "1" },
  "context-size": { type: "string" },
  parallel: { type: "string", default: "1" },
  "max-queue": { type: "string", default: "16" },
  "timeout-ms": { type: "string", default: "120000" },
  "max-tokens": { type: "string", default: "4096" },
  "default-max-tokens": { type: "string", default: "256" },
  "body-limit": { type: "string", default: "16mb" },
  "cache-dir": {
    type: "string",
    default: join(homedir(), ".cache", "kubetune", "models", "downloads"),
  },
} as const;

function int(name: string, raw: string, min: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`--${name} must be an integer >= ${min}`);
  return value;
}

/** `[name=]<file-or-uri>[@scale]`; the name defaults to the file name without .gguf. */
export function parseAdapterArg(raw: string): AdapterArg {
  const match = /^(?:([A-Za-z0-9][A-Za-z0-9._-]*)=)?(.+?)(?:@([0-9.]+))?$/.exec(raw);
  if (!match) throw new Error(`--adapter ${raw}: expected [name=]<file>[@scale]`);
  const [, name, uri = "", scale] = match;
  const value = scale === undefined ? 1 : Number(scale);
  if (!Number.isFinite(value) || value < 0 || value > 4)
    throw new Error(`--adapter ${raw}: scale must be 0..4`);
  return { name: name ?? basename(uri).replace(/\.gguf$/i, ""), uri, scale: value };
}

interface ModelFileConfig {
  name?: string;
  labels?: string[];
  problemType?: "single-label" | "multi-label";
  prompt?: string;
}

/** The configuration beside a local model (`model.gguf` → `model.json`), or the one named. */
function readModelConfig(path: string | undefined, model: string): ModelFileConfig {
  const beside = model.replace(/\.gguf$/i, ".json");
  const file =
    path ??
    (!/^[a-z]+:\/\//.test(model) && beside !== model && existsSync(beside) ? beside : undefined);
  if (!file) return {};
  const parsed = JSON.parse(readFileSync(file, "utf8")) as ModelFileConfig;
  if (
    parsed.labels !== undefined &&
    (!Array.isArray(parsed.labels) || !parsed.labels.every((l) => typeof l === "string"))
  )
    throw new Error(`${file}: labels must be an array of strings`);
  return parsed;
}

function labelConfig(
  values: { labels?: string; "multi-label"?: boolean; "classify-adapter"?: string },
  file: ModelFileConfig,
): LabelConfig | undefined {
  const labels = values.labels
    ? values.labels
        .split(",")
        .map((l) => l.trim())
        .filter(Boolean)
    : file.labels;
  if (!labels || labels.length === 0) return undefined;
  if (new Set(labels).size !== labels.length) throw new Error("labels must be distinct");
  const multiLabel = values["multi-label"] ?? file.problemType === "multi-label";
  return {
    labels,
    multiLabel,
    prompt: file.prompt ?? DEFAULT_CLASSIFY_PROMPT,
    adapter: values["classify-adapter"],
  };
}

export const USAGE = `usage: llm --model <file|file://…|http(s)://…> [${Object.keys(OPTIONS)
  .filter((name) => name !== "model")
  .map((name) => `--${name}`)
  .join("] [")}]`;

export function parseConfig(argv: string[]): ServiceConfig {
  const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
  if (!values.model) throw new Error("--model <file-or-uri> is required");
  const file = readModelConfig(values.config, values.model);
  return {
    name: values.name ?? file.name ?? basename(values.model).replace(/\.gguf$/i, ""),
    model: values.model,
    digest: values.digest,
    adapters: (values.adapter ?? []).map(parseAdapterArg),
    labels: labelConfig(values, file),
    host: values.host,
    port: int("port", values.port, 0),
    threads: int("threads", values.threads, 1),
    contextSize:
      values["context-size"] === undefined
        ? undefined
        : int("context-size", values["context-size"], 64),
    parallel: int("parallel", values.parallel, 1),
    maxQueue: int("max-queue", values["max-queue"], 0),
    timeoutMs: int("timeout-ms", values["timeout-ms"], 1),
    maxTokens: int("max-tokens", values["max-tokens"], 1),
    defaultMaxTokens: int("default-max-tokens", values["default-max-tokens"], 1),
    bodyLimit: values["body-limit"],
    cacheDir: values["cache-dir"],
  };
}
