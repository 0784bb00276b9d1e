// Assembles the operator: informers (one shared KubeConfig), the cached client, the
// controllers, the GPU-pool configuration watcher, leader election and the health server.
import type { KubeConfig, KubernetesObject, V1ConfigMap } from "@kubernetes/client-node";
import type { FineTuneJob, GpuPool, InferenceRoute, ModelVersion } from "@kubetune/api";
import { GPU_POOLS_CONFIGMAP } from "@kubetune/api";
import type { Server } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { DEFAULT_GPU_POOLS, parseGpuPools } from "./config/gpu-pools.js";
import { FINETUNEJOB_LABEL } from "./controllers/finetunejob/desired.js";
import {
  admissionCounters,
  registerFineTuneJobMetrics,
} from "./controllers/finetunejob/metrics.js";
import { reconcileFineTuneJob } from "./controllers/finetunejob/reconciler.js";
import type { FineTuneJobDeps } from "./controllers/finetunejob/reconciler.js";
import { VersionLedger } from "./controllers/finetunejob/version.js";
import { estimateMemory } from "./estimator/index.js";
import { Controller, labelKeys, ownerKeys } from "./runtime/controller.js";
import { apiEventRecorder } from "./runtime/event-recorder.js";
import { startHealthServer } from "./runtime/health-server.js";
import { withSharedAgent } from "./runtime/shared-agent.js";
import { KindInformer } from "./runtime/informer.js";
import { CachedKubeClient } from "./runtime/kube-client.js";
import { Kinds } from "./runtime/kinds.js";
import { DEFAULT_LEASE_TIMING, LeaderElector } from "./runtime/leader-election.js";
import type { Logger } from "./runtime/logger.js";
import { OperatorMetrics } from "./runtime/metrics.js";
import type { PodPlacement } from "./config/serving-placement.js";
import type { ServingImages } from "./serving-controllers.js";
import { MANAGED_PODS, servingControllers } from "./serving-controllers.js";
import { registerServingMetrics } from "./serving-metrics.js";

export interface OperatorConfig {
  /** Namespace of the operator's own objects: the GPU-pool ConfigMap and the leader Lease. */
  namespace: string;
  identity: string;
  health: { host: string; port: number };
  leaderElection: boolean;
  trainerImage: string;
  /** Images of the serving runtimes and the router. */
  images: ServingImages;
  /** Node selector and tolerations of serving and router pods (KUBETUNE_SERVING_*). */
  servingPlacement: PodPlacement;
  /** Prometheus for rollout analyses (KUBETUNE_PROMETHEUS_URL); none: analyses wait. */
  prometheusUrl?: string;
  /** With `auto`, how long a training pod may stay unschedulable before the run moves pools. */
  unschedulableTimeoutMs: number;
  workers: number;
  resyncMs: number;
}

const MANAGED = "app.kubernetes.io/managed-by=kubetune-operator";

/** One informer per kind the controllers read; the cached client serves reads from them. */
function watchAll(kc: KubeConfig, log: Logger) {
  const watch = (kind: (typeof Kinds)[keyof typeof Kinds], labelSelector?: string) =>
    new KindInformer(kc, { kind, ...(labelSelector ? { labelSelector } : {}) }, log);
  return {
    ftjs: watch(Kinds.FineTuneJob),
    jobs: watch(Kinds.Job, MANAGED),
    pods: watch(Kinds.Pod, MANAGED_PODS),
    // Only kubetune's own ConfigMaps are cached; the client reads no others.
    configMaps: watch(Kinds.ConfigMap, MANAGED),
    modelVersions: watch(Kinds.ModelVersion),
    nodes: watch(Kinds.Node),
    routes: watch(Kinds.InferenceRoute),
    deployments: watch(Kinds.Deployment, MANAGED),
    services: watch(Kinds.Service, MANAGED),
  };
}

export class Manager {
  readonly metrics = new OperatorMetrics();
  private readonly informers: KindInformer[];
  private readonly poolsInformer: KindInformer;
  private readonly controller: Controller;
  private readonly serving: Controller[];
  private readonly elector: LeaderElector | undefined;
  private server: Server | undefined;
  private pools: { version: string | undefined; value: GpuPool[] | Error } = {
    version: "",
    value: DEFAULT_GPU_POOLS,
  };

  constructor(
    kubeConfig: KubeConfig,
    private readonly config: OperatorConfig,
    private readonly log: Logger,
  ) {
    const kc = withSharedAgent(kubeConfig);
    const informers = watchAll(kc, log);
    const { ftjs, jobs, pods, configMaps, modelVersions, routes, deployments, services } =
      informers;
    this.informers = Object.values(informers);
    this.poolsInformer = new KindInformer(
      kc,
      { kind: Kinds.ConfigMap, namespace: config.namespace },
      log,
    );
    const deps = this.fineTuneJobDeps(kc);
    this.controller = new Controller({
      name: "finetunejob",
      root: ftjs,
      watches: [
        { informer: jobs, toKeys: ownerKeys("FineTuneJob") },
        { informer: configMaps, toKeys: ownerKeys("FineTuneJob") },
        { informer: pods, toKeys: labelKeys(FINETUNEJOB_LABEL) },
        { informer: modelVersions, toKeys: labelKeys(FINETUNEJOB_LABEL) },
      ],
      reconcile: (key) => reconcileFineTuneJob(key, deps),
      workers: config.workers,
      metrics: this.metrics,
      log,
      resyncMs: config.resyncMs,
      ignoreStatusUpdates: true,
    });
    this.serving = servingControllers({
      kc,
      client: deps.client,
      events: deps.events,
      images: config.images,
      placement: config.servingPlacement,
      ...(config.prometheusUrl === undefined ? {} : { prometheusUrl: config.prometheusUrl }),
      informers: { modelVersions, routes, deployments, services, pods },
      common: { workers: config.workers, resyncMs: config.resyncMs, metrics: this.metrics, log },
    });
    registerServingMetrics(this.metrics.registry, {
      versions: () => modelVersions.cache.list() as unknown as ModelVersion[],
      routes: () => routes.cache.list() as unknown as InferenceRoute[],
    });
    registerFineTuneJobMetrics(
      this.metrics.registry,
      () => ftjs.cache.list() as unknown as FineTuneJob[],
    );
    this.poolsInformer.cache.on("update", (o) => {
      this.poolsChanged(o);
    });
    this.poolsInformer.cache.on("add", (o) => {
      this.poolsChanged(o);
    });
    this.poolsInformer.cache.on("delete", (o) => {
      this.poolsChanged(o);
    });
    this.elector = config.leaderElection
      ? new LeaderElector(
          kc,
          {
            namespace: config.namespace,
            name: "kubetune-operator",
            identity: config.identity,
            ...DEFAULT_LEASE_TIMING,
          },
          log,
        )
      : undefined;
  }

  /** What the FineTuneJob reconciler works with: the cached client over this.informers, events, pools. */
  private fineTuneJobDeps(kc: KubeConfig): FineTuneJobDeps {
    const cached = new Map(this.informers.map((i) => [i.watched.kind.kind, i]));
    const count = (verb: string) => {
      this.metrics.apiWrites.inc({ verb });
    };
    return {
      client: new CachedKubeClient(kc, cached, count),
      events: apiEventRecorder(kc, this.log, this.config.identity, () => {
        count("event");
      }),
      now: () => new Date(),
      pools: () => this.currentPools(),
      estimate: estimateMemory,
      trainer: { image: this.config.trainerImage },
      unschedulableTimeoutMs: this.config.unschedulableTimeoutMs,
      versions: new VersionLedger(),
      admissions: admissionCounters(this.metrics.registry),
    };
  }

  /** Starts serving health, syncs the caches, then runs the controllers while leading. Resolves when leadership ends. */
  async run(): Promise<void> {
    this.server = await startHealthServer(
      this.config.health.port,
      this.config.health.host,
      this.metrics.registry,
      {
        ready: () => this.informers.every((i) => i.hasSynced()),
      },
    );
    const all = [...this.informers, this.poolsInformer];
    await Promise.all(all.map((i) => i.start()));
    // A failed first list (e.g. 429 right after CRDs are installed) is retried by the
    // informer; controllers must not act on a cache that has not listed yet.
    while (!all.every((i) => i.hasSynced())) await sleep(100);
    this.log.info({ informers: all.length }, "Synced caches");
    const start = () => {
      for (const controller of [this.controller, ...this.serving]) controller.start();
    };
    if (!this.elector) {
      start();
      return new Promise(() => undefined);
    }
    await this.elector.run(() => {
      this.metrics.leader.set(1);
      start();
    });
    this.metrics.leader.set(0);
  }

  healthPort(): number {
    const address = this.server?.address();
    return typeof address === "object" && address ? address.port : 0;
  }

  /** Graceful shutdown: finish in-flight reconciles, give up the lease, stop watching. */
  async stop(): Promise<void> {
    await Promise.all([this.controller, ...this.serving].map((c) => c.stop()));
    await this.elector?.stop();
    await Promise.all([...this.informers, this.poolsInformer].map((i) => i.stop()));
    const server = this.server;
    if (server) await new Promise((resolve) => server.close(resolve));
  }

  private currentPools(): GpuPool[] | Error {
    const configMap = this.poolsInformer.cache.get(
      GPU_POOLS_CONFIGMAP.name,
      this.config.namespace,
    ) as V1ConfigMap | undefined;
    const version = configMap?.metadata?.resourceVersion;
    if (version !== this.pools.version) this.pools = { version, value: this.parsePools(configMap) };
    return this.pools.value;
  }

  private parsePools(configMap: V1ConfigMap | undefined): GpuPool[] | Error {
    const text = configMap?.data?.[GPU_POOLS_CONFIGMAP.key];
    if (text === undefined) return DEFAULT_GPU_POOLS;
    try {
      return parseGpuPools(text, `ConfigMap ${this.config.namespace}/${GPU_POOLS_CONFIGMAP.name}`);
    } catch (error) {
      return error as Error;
    }
  }

  private poolsChanged(object: KubernetesObject): void {
    if (object.metadata?.name !== GPU_POOLS_CONFIGMAP.name) return;
    this.log.info({ configMap: GPU_POOLS_CONFIGMAP.name }, "Reloaded GPU pools");
    this.controller.enqueueAll();
  }
}
