// Reconciles one ModelVersion: keep one production version per model, serve the version
// (Deployment + Service) exactly while a route references it, and write status.
import type { V1Deployment, V1Pod } from "@kubernetes/client-node";
import type { InferenceRoute, ModelVersion } from "@kubetune/api";
import { createHash } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { PodPlacement } from "../../config/serving-placement.js";
import type { EventRecorder, KubeClient, ObjectKey } from "../../runtime/client.js";
import type { ReconcileResult } from "../../runtime/controller.js";
import { Kinds } from "../../runtime/kinds.js";
import type { ServingImages, ServingObjects } from "./desired.js";
import { desiredServing } from "./desired.js";
import { recordTransitions } from "./events.js";
import { servingName, servingSelector } from "./names.js";
import { referencesTo } from "./references.js";
import { outrankedBy, stageChangePatch } from "./stage.js";
import { computeStatus } from "./status.js";

export interface ModelVersionDeps {
  client: KubeClient;
  events: EventRecorder;
  now: () => Date;
  images: ServingImages;
  placement: PodPlacement;
}

const DESIRED_HASH = "kubetune.io/desired-hash";

export async function reconcileModelVersion(
  key: ObjectKey,
  deps: ModelVersionDeps,
): Promise<ReconcileResult> {
  const mv = await deps.client.get<ModelVersion>(Kinds.ModelVersion, key);
  if (!mv) return {}; // deleted: owner references collect the Deployment and Service
  const scope = { namespace: key.namespace ?? "default" };
  if (await demoteIfOutranked(mv, scope, deps)) return {}; // the patch brings it back
  const routes = await deps.client.list<InferenceRoute>(Kinds.InferenceRoute, scope);
  const references = referencesTo(mv, routes);
  const name = { ...scope, name: servingName(mv.metadata.name) };
  const existing = await deps.client.get<V1Deployment>(Kinds.Deployment, name);
  if (references.length > 0)
    await serve(desiredServing(mv, deps.images, deps.placement), existing, deps);
  else await unserve(name, existing, deps);
  const served = references.length > 0;
  const deployment = served
    ? await deps.client.get<V1Deployment>(Kinds.Deployment, name)
    : undefined;
  const pods = served
    ? await deps.client.list<V1Pod>(Kinds.Pod, {
        ...scope,
        labels: servingSelector(mv.metadata.name),
      })
    : [];
  const status = computeStatus({ mv, now: deps.now(), references, deployment, pods });
  if (!isDeepStrictEqual(mv.status, status)) {
    await deps.client.patchStatus(Kinds.ModelVersion, key, status, mv.status);
    recordTransitions(mv, status, deps.events);
  }
  return {};
}

/** Another production version of the model was promoted later: this one steps down. */
async function demoteIfOutranked(
  mv: ModelVersion,
  scope: { namespace: string },
  deps: ModelVersionDeps,
): Promise<boolean> {
  const versions = await deps.client.list<ModelVersion>(Kinds.ModelVersion, scope);
  const winner = outrankedBy(mv, versions);
  if (!winner) return false;
  const by = `kubetune-operator: ${winner.metadata.name} is production`;
  await deps.client.patch(
    Kinds.ModelVersion,
    { ...scope, name: mv.metadata.name },
    stageChangePatch("staging", by, deps.now()),
  );
  deps.events.normal(
    mv,
    "Demoted",
    `moved to staging: ${winner.metadata.name} is the production version of model ${mv.spec.model}`,
  );
  return true;
}

/** Applies the serving objects unless the Deployment already carries their hash. */
async function serve(
  objects: ServingObjects,
  existing: V1Deployment | undefined,
  deps: ModelVersionDeps,
): Promise<void> {
  const hash = createHash("sha256").update(JSON.stringify(objects)).digest("hex").slice(0, 16);
  if (existing?.metadata?.annotations?.[DESIRED_HASH] === hash) return;
  const { deployment, service } = objects;
  deployment.metadata = Object.assign({}, deployment.metadata, {
    annotations: { [DESIRED_HASH]: hash },
  });
  await deps.client.apply(service);
  await deps.client.apply(deployment);
}

async function unserve(
  name: ObjectKey,
  existing: V1Deployment | undefined,
  deps: ModelVersionDeps,
): Promise<void> {
  if (existing) await deps.client.delete(Kinds.Deployment, name);
  if (await deps.client.get(Kinds.Service, name)) await deps.client.delete(Kinds.Service, name);
}
