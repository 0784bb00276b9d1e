// The ModelVersion's status as a pure function of what the reconciler observed.
import type { V1Deployment, V1Pod } from "@kubernetes/client-node";
import type { ModelVersion, ModelVersionStatus } from "@kubetune/api";
import { ModelVersionConditions as C, ModelVersionReasons as R } from "@kubetune/api";
import type { ConditionInput } from "../../runtime/conditions.js";
import { findCondition, setCondition } from "../../runtime/conditions.js";
import { fetchOutcome } from "./artifact-fetch.js";
import { servingEndpoint } from "./names.js";
import type { Reference } from "./references.js";
import { nextStageHistory } from "./stage.js";

export interface Observed {
  mv: ModelVersion;
  now: Date;
  references: readonly Reference[];
  deployment: V1Deployment | undefined;
  pods: readonly V1Pod[];
}

const cond = (
  type: string,
  status: ConditionInput["status"],
  reason: string,
  message: string,
): ConditionInput => ({ type, status, reason, message });

export function computeStatus(observed: Observed): ModelVersionStatus {
  const { mv, now } = observed;
  const context = { generation: mv.metadata.generation ?? 0, now };
  const served = observed.references.length > 0;
  let conditions = mv.status?.conditions ?? [];
  for (const input of [artifact(observed), ready(observed)])
    conditions = setCondition(conditions, input, context);
  return {
    observedGeneration: mv.metadata.generation ?? 0,
    conditions,
    stageHistory: nextStageHistory(mv, now),
    ...(served ? serving(observed) : {}),
  };
}

function serving(observed: Observed): Partial<ModelVersionStatus> {
  const { mv, deployment } = observed;
  return {
    endpoint: servingEndpoint(mv.metadata.name, mv.metadata.namespace ?? "default"),
    replicas: deployment?.spec?.replicas ?? 0,
    readyReplicas: deployment?.status?.availableReplicas ?? 0,
  };
}

function artifact(observed: Observed): ConditionInput {
  const previous = findCondition(observed.mv.status?.conditions, C.ArtifactVerified);
  const outcome = fetchOutcome(observed.pods);
  if (outcome.state === "failed")
    return cond(C.ArtifactVerified, "False", outcome.reason, outcome.message);
  if (outcome.state === "verified") {
    return observed.mv.spec.artifact.digest
      ? cond(
          C.ArtifactVerified,
          "True",
          R.Verified,
          "the artifact was fetched and matched its digest",
        )
      : cond(
          C.ArtifactVerified,
          "True",
          R.Verified,
          "the artifact was fetched; spec.artifact.digest is unset, so its bytes were not checked",
        );
  }
  // The bytes of a version never change: an earlier verdict stands while no pod runs.
  if (previous && previous.status !== "Unknown" && observed.pods.length === 0)
    return cond(C.ArtifactVerified, previous.status, previous.reason, previous.message);
  if (observed.references.length === 0)
    return cond(C.ArtifactVerified, "Unknown", R.NotReferenced, "not served, so not fetched yet");
  return cond(C.ArtifactVerified, "Unknown", R.Fetching, "fetching the artifact");
}

function ready(observed: Observed): ConditionInput {
  const { references, deployment } = observed;
  if (references.length === 0)
    return cond(C.Ready, "False", R.NotReferenced, "no InferenceRoute references this version");
  const routes = [...new Set(references.map((r) => r.name))].join(", ");
  const fetch = fetchOutcome(observed.pods);
  if (fetch.state === "failed") return cond(C.Ready, "False", fetch.reason, fetch.message);
  const [want, have] = replicaCounts(deployment);
  if (want === 0)
    return cond(C.Ready, "False", R.ScaledToZero, `spec.serving.replicas is 0 (used by ${routes})`);
  const counted = `${have} of ${want} replicas ready (used by ${routes})`;
  return have > 0
    ? cond(C.Ready, "True", R.ReplicasReady, counted)
    : cond(C.Ready, "False", R.ReplicasNotReady, counted);
}

/**
 * Wanted and available replicas. Available, not just ready: a pod counts once it has been
 * ready for the Deployment's minReadySeconds, by when kube-proxy has wired the version's
 * Service to it, so a route that sends it traffic then is not refused.
 */
function replicaCounts(deployment: V1Deployment | undefined): [number, number] {
  return [deployment?.spec?.replicas ?? 0, deployment?.status?.availableReplicas ?? 0];
}
