// A read cache per watched kind over client-node's list/watch. client-node relists on an
// expired resourceVersion (410) by itself; on any other error it stops, so we restart it
// with backoff. Cached objects are lean (lean-objects.ts). All informers share the process's one KubeConfig and HTTP agent.
import type { Informer, KubeConfig, KubernetesObject, ObjectCache } from "@kubernetes/client-node";
import { KubernetesObjectApi, ListWatch } from "@kubernetes/client-node";
import type { ResourceKind } from "./kinds.js";
import { collectionPath } from "./kinds.js";
import { LeanWatch, forCache } from "./lean-objects.js";
import type { Logger } from "./logger.js";

export type Cache = Informer<KubernetesObject> & ObjectCache<KubernetesObject>;

export interface WatchedKind {
  kind: ResourceKind;
  /** Restrict the watch to one namespace (e.g. the operator's own ConfigMaps). */
  namespace?: string;
  labelSelector?: string;
}

const RESTART_DELAYS_MS = [1000, 2000, 5000, 10_000, 30_000];

export class KindInformer {
  readonly cache: Cache;
  private synced = false;
  private stopped = false;
  private failures = 0;

  constructor(
    kc: KubeConfig,
    readonly watched: WatchedKind,
    private readonly log: Logger,
  ) {
    const api = KubernetesObjectApi.makeApiClient(kc);
    const { kind, namespace, labelSelector } = watched;
    const list = async () => {
      const page = await api.list(
        kind.apiVersion,
        kind.kind,
        namespace,
        undefined,
        undefined,
        undefined,
        undefined,
        labelSelector,
      );
      page.items.forEach(forCache);
      return page;
    };
    const path = collectionPath(kind, namespace);
    this.cache = new ListWatch(path, new LeanWatch(kc), list, false, labelSelector);
    this.cache.on("connect", () => {
      this.synced = true;
      this.failures = 0;
    });
    this.cache.on("error", (error) => {
      this.restart(error);
    });
  }

  /** Lists and starts watching; hasSynced() turns true when the watch connects after a successful list. */
  async start(): Promise<void> {
    await this.cache.start();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.cache.stop();
  }

  private restart(error: unknown): void {
    if (this.stopped) return;
    const delay =
      RESTART_DELAYS_MS[Math.min(this.failures++, RESTART_DELAYS_MS.length - 1)] ?? 30_000;
    this.log.warn(
      { kind: this.watched.kind.kind, err: String(error), retryInMs: delay },
      "Watch failed; restarting",
    );
    setTimeout(() => {
      if (!this.stopped)
        this.cache.start().catch((e: unknown) => {
          this.restart(e);
        });
    }, delay).unref();
  }
}
