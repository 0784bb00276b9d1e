// Whether each variant's ModelVersion (and the cascade's LLM) can take traffic, and why
// not: missing, archived, its artifact failed verification, or not ready.
import type { InferenceRoute, ModelVersion } from "@kubetune/api";
import { InferenceRouteReasons as R, ModelVersionConditions as MC } from "@kubetune/api";
import { findCondition } from "../../runtime/conditions.js";
import { servingEndpoint } from "../modelversion/names.js";
import { CASCADE_ROLE, acceptsReference } from "../modelversion/references.js";

export interface Backend {
  /** Variant name, or "cascade". */
  role: string;
  modelVersion: string;
  version: string | undefined;
  up: boolean;
  reason: string;
  message: string;
  endpoint: string | undefined;
  readyReplicas: number;
}

function down(role: string, mvName: string, reason: string, message: string): Backend {
  return {
    role,
    modelVersion: mvName,
    version: undefined,
    up: false,
    reason,
    message,
    endpoint: undefined,
    readyReplicas: 0,
  };
}

export function resolveBackend(
  route: InferenceRoute,
  role: string,
  mvName: string,
  versions: readonly ModelVersion[],
): Backend {
  const mv = versions.find((v) => v.metadata.name === mvName);
  if (!mv)
    return down(role, mvName, R.ModelVersionNotFound, `ModelVersion ${mvName} does not exist`);
  const served = {
    version: mv.spec.version,
    readyReplicas: mv.status?.readyReplicas ?? 0,
  };
  const why = whyNotServing(route, role, mv);
  if (why) return { ...down(role, mvName, why.reason, why.message), ...served };
  const namespace = mv.metadata.namespace ?? "default";
  return {
    role,
    modelVersion: mvName,
    ...served,
    up: true,
    reason: R.BackendsReady,
    message: `ModelVersion ${mvName} is ready`,
    endpoint: mv.status?.endpoint ?? servingEndpoint(mvName, namespace),
  };
}

function whyNotServing(
  route: InferenceRoute,
  role: string,
  mv: ModelVersion,
): { reason: string; message: string } | undefined {
  const name = mv.metadata.name;
  if (!acceptsReference(route, role, mv))
    return {
      reason: R.ModelVersionArchived,
      message: `ModelVersion ${name} is archived and cannot be newly referenced; set its stage to staging to serve it again`,
    };
  const verified = findCondition(mv.status?.conditions, MC.ArtifactVerified);
  if (verified?.status === "False")
    return { reason: R.BackendNotReady, message: `ModelVersion ${name}: ${verified.message}` };
  const ready = findCondition(mv.status?.conditions, MC.Ready);
  if (ready?.status !== "True")
    return {
      reason: R.BackendNotReady,
      message: `ModelVersion ${name} is not ready: ${ready?.message ?? "not reconciled yet"}`,
    };
  return undefined;
}

export interface Backends {
  variants: Backend[];
  cascade: Backend | undefined;
}

export function resolveBackends(
  route: InferenceRoute,
  versions: readonly ModelVersion[],
): Backends {
  const cascade = route.spec.cascade;
  return {
    variants: route.spec.variants.map((v) =>
      resolveBackend(route, v.name, v.modelVersion, versions),
    ),
    cascade: cascade
      ? resolveBackend(route, CASCADE_ROLE, cascade.escalateTo, versions)
      : undefined,
  };
}
