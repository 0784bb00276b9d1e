// The inputs of `kubetune estimate`: one FineTuneJob from a manifest file, validated as
// the API server would, and the GPU pools from the pool ConfigMap or a bare pools file.
import type { FineTuneJob, GpuPool } from "@kubetune/api";
import { GPU_POOLS_CONFIGMAP, formatErrors, validateResource } from "@kubetune/api";
import { parseAllDocuments } from "yaml";
import { PoolConfigError, parseGpuPools } from "../config/gpu-pools.js";
import type { CliIo } from "./command.js";
import { CliError, ExitCode, readInputFile } from "./command.js";

/** The YAML documents of a file, as plain values; a syntax error is a usage error. */
function readDocuments(io: CliIo, path: string): unknown[] {
  const text = readInputFile(io, path);
  return parseAllDocuments(text).map((doc) => {
    const [first] = doc.errors;
    if (first !== undefined) {
      throw new CliError(`${path} is not valid YAML: ${first.message}`, ExitCode.Usage);
    }
    return doc.toJS() as unknown;
  });
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Reads the one FineTuneJob in a file, with the API's defaults applied. */
export function loadFineTuneJob(io: CliIo, path: string): FineTuneJob {
  const jobs = readDocuments(io, path).filter((doc) => isObject(doc) && doc.kind === "FineTuneJob");
  const [job] = jobs;
  if (job === undefined || jobs.length > 1) {
    const found = jobs.length === 0 ? "no FineTuneJob" : `${jobs.length} FineTuneJobs`;
    throw new CliError(`${path} holds ${found}; give a file with exactly one.`, ExitCode.Usage);
  }
  const { errors, value } = validateResource(job);
  if (errors.length > 0) {
    const lines = formatErrors(errors).map((line) => `  ${line}`);
    throw new CliError([`${path}: the FineTuneJob is invalid:`, ...lines].join("\n"));
  }
  return value as FineTuneJob;
}

/**
 * Reads GPU pools from a file holding the kubetune-gpu-pools ConfigMap (the pools YAML
 * under data["pools.yaml"]) or the pools YAML itself (`pools: [...]`).
 */
export function loadPools(io: CliIo, path: string): GpuPool[] {
  const documents = readDocuments(io, path).filter(isObject);
  const configMap = documents.find((doc) => doc.kind === "ConfigMap");
  const bare = documents.find((doc) => "pools" in doc);
  try {
    if (configMap !== undefined) return parseGpuPools(poolsText(configMap, path), path);
    if (bare !== undefined) return parseGpuPools(JSON.stringify(bare), path);
  } catch (error) {
    if (error instanceof PoolConfigError) throw new CliError(`${error.message}.`);
    throw error;
  }
  throw new CliError(
    `${path} holds neither the ${GPU_POOLS_CONFIGMAP.name} ConfigMap nor a pools: list.`,
    ExitCode.Usage,
  );
}

function poolsText(configMap: Record<string, unknown>, path: string): string {
  const data = configMap.data;
  const text = isObject(data) ? data[GPU_POOLS_CONFIGMAP.key] : undefined;
  if (typeof text !== "string") {
    throw new CliError(`${path}: the ConfigMap has no data["${GPU_POOLS_CONFIGMAP.key}"].`);
  }
  return text;
}
