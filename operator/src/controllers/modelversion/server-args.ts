// The serving container's command-line flags per runtime: what `npm run encoder` and
// `npm run llm` take (services/*/README.md), filled from the ModelVersion's spec. The
// runtime images' entrypoint is the service, so these are its arguments.
import type { ModelVersion } from "@kubetune/api";
import { artifactPaths } from "./artifact-fetch.js";
import { SERVING_PORT } from "./names.js";

const flag = (name: string, value: string | number | undefined): string[] =>
  value === undefined ? [] : [`--${name}`, String(value)];

function common(mv: ModelVersion): string[] {
  return [
    ...flag("model", artifactPaths(mv).model),
    ...flag("name", mv.spec.model),
    ...flag("host", "0.0.0.0"),
    ...flag("port", SERVING_PORT),
    ...flag("threads", mv.spec.serving?.threads),
  ];
}

function encoderArgs(mv: ModelVersion): string[] {
  const { spec } = mv;
  return [
    ...common(mv),
    ...flag("model-version", spec.version),
    ...flag("max-batch-size", spec.serving?.maxBatchSize),
    ...flag("window-tokens", spec.chunking?.windowTokens),
    ...flag("overlap", spec.chunking?.overlap),
    ...flag("aggregation", spec.chunking?.aggregation),
    ...flag("threshold", spec.threshold),
    "--require-model",
  ];
}

function llmArgs(mv: ModelVersion): string[] {
  const { spec } = mv;
  const adapter = artifactPaths(mv).adapter;
  const scale = spec.adapter?.scale ? `@${spec.adapter.scale}` : "";
  return [
    ...common(mv),
    ...(adapter
      ? ["--adapter", `adapter=${adapter}${scale}`, "--classify-adapter", "adapter"]
      : []),
    ...flag("labels", spec.labels?.join(",")),
    ...(spec.problemType === "multi-label" ? ["--multi-label"] : []),
  ];
}

export function serverArgs(mv: ModelVersion): string[] {
  return mv.spec.runtime === "encoder" ? encoderArgs(mv) : llmArgs(mv);
}
