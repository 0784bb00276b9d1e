// Serving gauges, computed from the caches at scrape time: ModelVersions by model, stage
// and readiness; InferenceRoutes by the reason of their Ready condition; and each route's
// applied weight per variant (what the router confirmed), for the SRE dashboards.
import type { InferenceRoute, ModelVersion } from "@kubetune/api";
import { Gauge } from "prom-client";
import type { Registry } from "prom-client";
import { findCondition } from "./runtime/conditions.js";

/** Pure: counts of objects by a label tuple. */
export function countBy<T>(items: readonly T[], labels: (item: T) => Record<string, string>) {
  const counts = new Map<string, { labels: Record<string, string>; count: number }>();
  for (const item of items) {
    const l = labels(item);
    const key = JSON.stringify(l);
    counts.set(key, { labels: l, count: (counts.get(key)?.count ?? 0) + 1 });
  }
  return [...counts.values()];
}

const readyOf = (conditions: Parameters<typeof findCondition>[0]) =>
  findCondition(conditions, "Ready");

export function versionLabels(mv: ModelVersion) {
  return {
    model: mv.spec.model,
    stage: mv.spec.stage ?? "candidate",
    ready: readyOf(mv.status?.conditions)?.status ?? "Unknown",
  };
}

export function registerServingMetrics(
  registry: Registry,
  list: { versions: () => ModelVersion[]; routes: () => InferenceRoute[] },
): void {
  new Gauge({
    name: "kubetune_operator_modelversions",
    help: "ModelVersions by model, stage and whether they are served and ready.",
    labelNames: ["model", "stage", "ready"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const row of countBy(list.versions(), versionLabels)) this.set(row.labels, row.count);
    },
  });
  new Gauge({
    name: "kubetune_operator_inferenceroutes",
    help: "InferenceRoutes by the reason of their Ready condition (TableApplied, BackendNotReady, RouterUnreachable, …).",
    labelNames: ["reason"] as const,
    registers: [registry],
    collect() {
      this.reset();
      const rows = countBy(list.routes(), (r) => ({
        reason: readyOf(r.status?.conditions)?.reason ?? "Unknown",
      }));
      for (const row of rows) this.set(row.labels, row.count);
    },
  });
  new Gauge({
    name: "kubetune_operator_route_variant_weight",
    help: "Weight in percent the route's router confirmed for each variant.",
    labelNames: ["route", "variant"] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const route of list.routes())
        for (const v of route.status?.variants ?? [])
          if (v.weight !== undefined)
            this.set({ route: route.metadata.name, variant: v.name }, v.weight);
    },
  });
}
