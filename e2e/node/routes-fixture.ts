// What the operator suites on the real node share: the serving images imported into the
// node, the project's models offered by the harness artifact server, a namespace, a real
// Prometheus scraping it, and the operator (in process) placing serving pods on the real
// node the way the sandbox configures it. Its log goes beside the cluster's, so a failing
// test prints it.
import { appendFileSync } from "node:fs";
import { join, relative } from "node:path";
import type { KubeConfig } from "@kubernetes/client-node";
import { inject } from "vitest";
import { builtImage } from "../../images/src/metadata.js";
import { servingPlacementFromEnv } from "../../operator/src/config/serving-placement.js";
import { Manager } from "../../operator/src/manager.js";
import { jsonLogger } from "../../operator/src/runtime/logger.js";
import { folderDigest } from "../../services/encoder/src/model/folder.js";
import { ensureModels } from "../../services/encoder/model-maker/ensure-models.js";
import { sha256File } from "../../services/llm/src/source.js";
import { ensureTinyModel } from "../../services/llm/src/tiny-model/build.js";
import { importArchives } from "../cluster/src/node/import.js";
import { realNodeServingSettings } from "../cluster/src/node/manifests.js";
import { modelsDir } from "../support/artifact-server.js";
import { createNamespace, loadKubeConfig } from "../support/kube.js";
import type { RunningPrometheus } from "../support/prometheus.js";
import { startPrometheus } from "../support/prometheus.js";
import { ServingApi } from "./serving-api.js";
import type { Artifact } from "./serving-objects.js";

export interface RoutesFixture {
  kc: KubeConfig;
  api: ServingApi;
  prometheus: RunningPrometheus;
  artifacts: { encoder: Artifact; llm: Artifact };
  stop(): Promise<void>;
}

/** Importing three images and training the models on a cold machine take minutes. */
export const FIXTURE_MS = 600_000;

async function projectArtifacts(): Promise<RoutesFixture["artifacts"]> {
  const base = inject("artifactBaseUrl");
  const folder = (await ensureModels()).single;
  const tiny = ensureTinyModel("tiny", modelsDir());
  return {
    encoder: {
      url: `${base}/${relative(modelsDir(), folder)}/`,
      digest: await folderDigest(folder),
    },
    llm: {
      url: `${base}/${relative(modelsDir(), tiny.model)}`,
      digest: `sha256:${await sha256File(tiny.model)}`,
    },
  };
}

function startOperator(kc: KubeConfig, namespace: string, prometheusUrl: string): Manager {
  const images = {
    encoder: builtImage("encoder").ref,
    llm: builtImage("llm").ref,
    router: builtImage("router").ref,
  };
  const log = join(inject("clusterLogDir"), `operator-${namespace}.log`);
  const manager = new Manager(
    kc,
    {
      namespace,
      identity: `${namespace}-test`,
      health: { host: "127.0.0.1", port: 0 },
      leaderElection: false,
      trainerImage: "kubetune/trainer:0.1.0",
      images,
      servingPlacement: servingPlacementFromEnv(realNodeServingSettings),
      prometheusUrl,
      unschedulableTimeoutMs: 300_000,
      workers: 2,
      resyncMs: 60_000,
    },
    jsonLogger({}, (line) => {
      appendFileSync(log, line);
    }),
  );
  void manager.run();
  return manager;
}

export async function routesFixture(prefix: string): Promise<RoutesFixture> {
  const kc = loadKubeConfig(inject("kubeconfig"));
  const socket = inject("containerdSocket");
  if (socket === "") throw new Error("this suite needs the cluster's real node");
  const components = ["encoder", "llm", "router"];
  await importArchives(
    socket,
    components.map((c) => builtImage(c).archive),
  );
  const artifacts = await projectArtifacts();
  const namespace = await createNamespace(kc, prefix);
  const stops: (() => Promise<void>)[] = [namespace.remove];
  try {
    const prometheus = await startPrometheus(kc, namespace.name);
    stops.unshift(() => prometheus.stop());
    const manager = startOperator(kc, namespace.name, prometheus.url);
    stops.unshift(() => manager.stop());
    const stop = async () => {
      if (process.env.KUBETUNE_DEBUG_KEEP === "true") stops.pop();
      for (const step of stops) await step();
    };
    return { kc, api: new ServingApi(kc, namespace.name), prometheus, artifacts, stop };
  } catch (error) {
    for (const step of stops) await step();
    throw error;
  }
}
