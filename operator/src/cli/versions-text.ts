// `kubetune versions` as text: the registry view of one model — its versions with stage,
// runtime, readiness and endpoint, then each version's lineage, metrics and stage history.
import type { ModelVersion } from "@kubetune/api";
import { columns } from "./columns.js";

export function renderVersions(model: string, versions: readonly ModelVersion[]): string {
  const sorted = [...versions].sort((a, b) =>
    (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? ""),
  );
  const rows = sorted.map((mv) => {
    const ready = mv.status?.conditions?.find((c) => c.type === "Ready");
    return [
      mv.metadata.name,
      mv.spec.version,
      mv.spec.stage ?? "candidate",
      mv.spec.runtime,
      ready ? `${ready.status} (${ready.reason})` : "-",
      mv.status?.endpoint ?? "-",
    ];
  });
  return [
    `Model ${model}: ${versions.length} version${versions.length === 1 ? "" : "s"}`,
    "",
    ...columns([["NAME", "VERSION", "STAGE", "RUNTIME", "READY", "ENDPOINT"], ...rows]),
    ...sorted.flatMap(details),
  ].join("\n");
}

function details(mv: ModelVersion): string[] {
  const lines = ["", `${mv.metadata.name} (${mv.spec.version})`];
  const lineage = lineageOf(mv);
  if (lineage) lines.push(`  lineage: ${lineage}`);
  const metrics = Object.entries(mv.spec.metrics ?? {});
  if (metrics.length > 0)
    lines.push(`  metrics: ${metrics.map(([k, v]) => `${k}=${v}`).join(" ")}`);
  lines.push(
    `  artifact: ${mv.spec.artifact.uri}${mv.spec.artifact.digest ? ` (${mv.spec.artifact.digest.slice(0, 19)}…)` : ""}`,
  );
  for (const change of mv.status?.stageHistory ?? [])
    lines.push(`  ${change.time}  → ${change.stage}${change.by ? `  by ${change.by}` : ""}`);
  return lines;
}

function lineageOf(mv: ModelVersion): string | undefined {
  const source = mv.spec.source;
  if (!source) return undefined;
  const parts = [
    source.fineTuneJob && `FineTuneJob ${source.fineTuneJob}`,
    source.baseModel && `base ${source.baseModel}`,
    source.method,
    source.dataset && `dataset ${source.dataset.uri}`,
    source.gpuType && `on ${source.gpuType}`,
    source.gpuSeconds !== undefined && `${source.gpuSeconds} GPU-seconds`,
  ].filter((p): p is string => typeof p === "string" && p !== "");
  return parts.join(", ");
}
