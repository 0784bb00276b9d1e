// `kubetune status` as text: a route's variants, weights, readiness, conditions and
// rollout, from its status, in a table a person reads at a glance.
import type { InferenceRoute } from "@kubetune/api";
import { columns } from "./columns.js";

const percent = (value: number | undefined) => (value === undefined ? "-" : `${value}%`);

export function renderRouteStatus(route: InferenceRoute): string {
  const status = route.status ?? {};
  const namespace = route.metadata.namespace ?? "default";
  const ready = status.conditions?.find((c) => c.type === "Ready");
  return [
    `InferenceRoute ${route.metadata.name} (namespace ${namespace}), model ${route.spec.model}`,
    `URL: ${status.url ?? "-"}   Ready: ${ready ? `${ready.status} (${ready.reason})` : "unknown"}   Routing table: generation ${status.tableGeneration ?? "-"}`,
    "",
    ...variantRows(route),
    ...cascadeLine(route),
    ...rolloutLines(route),
    "",
    ...columns([
      ["CONDITION", "STATUS", "REASON", "MESSAGE"],
      ...(status.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message]),
    ]),
  ].join("\n");
}

function variantRows(route: InferenceRoute): string[] {
  const rows = route.spec.variants.map((variant) => {
    const s = route.status?.variants?.find((v) => v.name === variant.name);
    return [
      variant.name,
      variant.modelVersion,
      percent(s?.desiredWeight ?? variant.weight),
      percent(s?.weight),
      String(s?.readyReplicas ?? 0),
      s?.endpoint ?? "-",
    ];
  });
  return columns(
    [["VARIANT", "MODELVERSION", "DESIRED", "APPLIED", "READY", "ENDPOINT"], ...rows],
    ["", "", "right", "right", "right"],
  );
}

function cascadeLine(route: InferenceRoute): string[] {
  const cascade = route.spec.cascade;
  if (!cascade) return [];
  const ready = route.status?.cascade?.readyReplicas ?? 0;
  return [
    `Cascade: documents below ${cascade.confidenceThreshold} escalate to ${cascade.escalateTo} (${ready} ready)`,
  ];
}

function rolloutLines(route: InferenceRoute): string[] {
  const rollout = route.spec.rollout;
  if (!rollout) return [];
  const state = route.status?.rollout ?? {};
  const progressing = route.status?.conditions?.find((c) => c.type === "Progressing");
  const steps = rollout.steps.map((s) => `${s.weight}%`).join(" → ");
  const where = `step ${(state.step ?? 0) + 1} of ${rollout.steps.length}`;
  const lines = [
    `Rollout of ${rollout.candidate}: ${where} (${steps}), ${progressing?.reason ?? "not started"}`,
  ];
  const analysis = state.lastAnalysis;
  if (analysis) lines.push(analysisLine(analysis));
  return lines;
}

function analysisLine(analysis: { time: string; passed: boolean; message?: string }): string {
  const verdict = analysis.passed ? "passed" : "failed";
  return `Last analysis ${analysis.time}: ${verdict}${analysis.message ? `; ${analysis.message}` : ""}`;
}
