// Command-line flags (and KUBETUNE_ENCODER_* environment variables, for a pod spec) →
// the service's settings, validated before anything starts.
import { CLASSIFY_LIMITS } from "@kubetune/api";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import type { InferenceSettings } from "./inference/classifier.js";
import { parseDigest } from "./model/folder.js";

export interface EncoderConfig extends InferenceSettings {
  model: string;
  digest?: string;
  name: string;
  version: string;
  host: string;
  port: number;
  threads: number;
  maxBodyBytes: number;
  maxDocuments: number;
  requireModel: boolean;
}

const DEFAULTS = {
  model: "",
  digest: "",
  name: "",
  "model-version": "1",
  host: "127.0.0.1",
  port: "8080",
  threads: "1",
  "max-batch-size": "8",
  // 8 windows of 512 tokens: the whole default batch. Lower it for large models, whose
  // activation memory per padded token is larger (the service README has figures).
  "max-batch-tokens": "4096",
  "max-wait-ms": "0",
  "window-tokens": "512",
  overlap: "0.25",
  aggregation: "vote",
  threshold: "0.5",
  "max-body-bytes": String(16 * 1024 * 1024),
  "max-documents": String(CLASSIFY_LIMITS.maxDocuments),
  "require-model": "false",
} as const;

type Flag = keyof typeof DEFAULTS;

const FLAGS = Object.fromEntries(
  Object.keys(DEFAULTS).map((flag) => [
    flag,
    { type: flag === "require-model" ? ("boolean" as const) : ("string" as const) },
  ]),
);

export const USAGE = `usage: encoder --model <dir|file://…|http(s)://…> [--digest sha256:…] [--name N] [--model-version V]
  [--host 127.0.0.1] [--port 8080] [--threads 1] [--max-batch-size 8] [--max-batch-tokens 4096] [--max-wait-ms 0]
  [--window-tokens 512] [--overlap 0.25] [--aggregation vote|mean] [--threshold 0.5]
  [--max-body-bytes N] [--max-documents N] [--require-model]
Every flag can also be set as KUBETUNE_ENCODER_<FLAG> (e.g. KUBETUNE_ENCODER_MAX_BATCH_SIZE).`;

function envName(flag: string): string {
  return `KUBETUNE_ENCODER_${flag.toUpperCase().replaceAll("-", "_")}`;
}

interface Range {
  min: number;
  max: number;
  integer?: boolean;
}

function number(flag: Flag, raw: string, { min, max, integer = true }: Range): number {
  const value = Number(raw);
  if (
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    throw new Error(
      `--${flag} must be ${integer ? "an integer" : "a number"} in [${min}, ${max}], not "${raw}"`,
    );
  }
  return value;
}

function modelName(location: string): string {
  return basename(location.replace(/\/+$/, "")) || "model";
}

export function parseConfig(argv: readonly string[], env: NodeJS.ProcessEnv = {}): EncoderConfig {
  const { values } = parseArgs({ args: [...argv], options: FLAGS, strict: true });
  // A flag beats its environment variable, which beats the default.
  const get = (flag: Flag): string => {
    const given = values[flag];
    if (given !== undefined) return String(given);
    return env[envName(flag)] ?? DEFAULTS[flag];
  };
  const model = get("model");
  if (model === "") throw new Error("--model is required");
  const aggregation = get("aggregation");
  if (aggregation !== "vote" && aggregation !== "mean") {
    throw new Error(`--aggregation must be vote or mean, not "${aggregation}"`);
  }
  const digest = get("digest");
  const config: EncoderConfig = {
    model,
    name: get("name") || modelName(model),
    version: get("model-version"),
    host: get("host"),
    port: number("port", get("port"), { min: 0, max: 65535 }),
    threads: number("threads", get("threads"), { min: 1, max: 64 }),
    maxBatchSize: number("max-batch-size", get("max-batch-size"), { min: 1, max: 256 }),
    maxBatchTokens: number("max-batch-tokens", get("max-batch-tokens"), {
      min: 8,
      max: 1024 * 1024,
    }),
    maxWaitMs: number("max-wait-ms", get("max-wait-ms"), { min: 0, max: 1000, integer: false }),
    windowTokens: number("window-tokens", get("window-tokens"), { min: 8, max: 8192 }),
    overlap: number("overlap", get("overlap"), { min: 0, max: 0.9, integer: false }),
    aggregation,
    threshold: number("threshold", get("threshold"), { min: 0, max: 1, integer: false }),
    maxBodyBytes: number("max-body-bytes", get("max-body-bytes"), { min: 1024, max: 1024 ** 3 }),
    maxDocuments: number("max-documents", get("max-documents"), {
      min: 1,
      max: CLASSIFY_LIMITS.maxDocuments,
    }),
    requireModel: get("require-model") === "true",
  };
  if (digest !== "") config.digest = parseDigest(digest);
  return config;
}
