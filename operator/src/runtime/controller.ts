// A controller: informer events become keys on a work queue; workers reconcile one key at
// a time (never the same key twice at once), back off on errors and requeue on request.
// The reconciler sees only keys, never "added/updated/deleted".
import type { KubernetesObject } from "@kubernetes/client-node";
import { trace, SpanStatusCode } from "@opentelemetry/api";
import type { ObjectKey } from "./client.js";
import { keyString, parseKey } from "./client.js";
import type { KindInformer } from "./informer.js";
import type { Logger } from "./logger.js";
import type { OperatorMetrics } from "./metrics.js";
import { WorkQueue } from "./workqueue.js";

/** A spec error: retrying cannot help; the reconciler has already said so in status. */
export class TerminalError extends Error {}

export interface ReconcileResult {
  requeueAfterMs?: number;
}

export type Reconcile = (key: ObjectKey) => Promise<ReconcileResult>;

export interface Watch {
  informer: KindInformer;
  /** Maps a changed object to the keys of the root objects it concerns. */
  toKeys: (object: KubernetesObject) => string[];
}

export interface ControllerOptions {
  name: string;
  root: KindInformer;
  watches: Watch[];
  reconcile: Reconcile;
  workers: number;
  metrics: OperatorMetrics;
  log: Logger;
  /** Every root key is reconciled again this often, whatever happened (level-based safety net). */
  resyncMs: number;
  /**
   * Skip root updates that changed only status (and other fields the API server bumps):
   * the controller writes that status itself, so reconciling again for it is wasted work.
   * A reconciler that needs another pass after its own write asks with requeueAfterMs.
   */
  ignoreStatusUpdates?: boolean;
}

const tracer = trace.getTracer("kubetune-operator");

/** What of an object a status-only update leaves unchanged. */
function beyondStatus(object: KubernetesObject): string {
  const { generation, deletionTimestamp, labels, annotations, finalizers } = object.metadata ?? {};
  return JSON.stringify([generation, deletionTimestamp, labels, annotations, finalizers]);
}

/** Keys of the owners of a given kind named in an object's ownerReferences. */
export function ownerKeys(kind: string): (object: KubernetesObject) => string[] {
  return (object) =>
    (object.metadata?.ownerReferences ?? [])
      .filter((owner) => owner.kind === kind)
      .map((owner) => keyString({ namespace: object.metadata?.namespace ?? "", name: owner.name }));
}

/** The key named by a label on the object, e.g. kubetune.io/finetunejob on a training pod. */
export function labelKeys(label: string): (object: KubernetesObject) => string[] {
  return (object) => {
    const name = object.metadata?.labels?.[label];
    return name ? [keyString({ namespace: object.metadata?.namespace ?? "", name })] : [];
  };
}

export class Controller {
  readonly queue: WorkQueue;
  private resync: NodeJS.Timeout | undefined;
  private workers: Promise<void>[] = [];

  /** What the reconciler last saw of each root object beyond its status. */
  private readonly seen = new Map<string, string>();

  constructor(private readonly options: ControllerOptions) {
    this.queue = new WorkQueue({ metrics: options.metrics.queueMetrics(options.name) });
    for (const verb of ["add", "update", "delete"] as const) {
      options.root.cache.on(verb, (object) => {
        this.rootChanged(verb, object);
      });
      for (const watch of options.watches)
        watch.informer.cache.on(verb, (object) => {
          this.enqueue(watch.toKeys(object));
        });
    }
  }

  private rootChanged(verb: "add" | "update" | "delete", object: KubernetesObject): void {
    const key = keyString(keyOfObject(object));
    if (verb === "delete") this.seen.delete(key);
    else if (this.options.ignoreStatusUpdates) {
      const signature = beyondStatus(object);
      if (verb === "update" && this.seen.get(key) === signature) return;
      this.seen.set(key, signature);
    }
    this.enqueue([key]);
  }

  enqueue(keys: string[]): void {
    for (const key of keys) this.queue.add(key);
  }

  /** Enqueues every root object, e.g. after the configuration they depend on changed. */
  enqueueAll(): void {
    this.enqueue(this.options.root.cache.list().map((object) => keyString(keyOfObject(object))));
  }

  start(): void {
    this.enqueueAll();
    this.workers = Array.from({ length: this.options.workers }, () => this.work());
    this.resync = setInterval(() => {
      this.enqueueAll();
    }, this.options.resyncMs);
    this.resync.unref();
  }

  async stop(): Promise<void> {
    if (this.resync) clearInterval(this.resync);
    await this.queue.shutDownWithDrain();
    await Promise.all(this.workers);
  }

  private async work(): Promise<void> {
    for (let key = await this.queue.get(); key !== undefined; key = await this.queue.get()) {
      await this.process(key);
      this.queue.done(key);
    }
  }

  private async process(key: string): Promise<void> {
    const { name, metrics, log } = this.options;
    const stopTimer = metrics.reconcileDuration.startTimer({ controller: name });
    await tracer.startActiveSpan(
      `reconcile ${name}`,
      { attributes: { "kubetune.controller": name, "kubetune.key": key } },
      async (span) => {
        try {
          const result = await this.options.reconcile(parseKey(key));
          this.queue.forget(key);
          if (result.requeueAfterMs) this.queue.addAfter(key, result.requeueAfterMs);
          metrics.reconcileTotal.inc({
            controller: name,
            result: result.requeueAfterMs ? "requeue" : "success",
          });
        } catch (error) {
          span.recordException(error as Error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
          metrics.reconcileTotal.inc({ controller: name, result: "error" });
          if (error instanceof TerminalError) this.queue.forget(key);
          else this.queue.addRateLimited(key);
          log.error(
            { controller: name, key, err: String(error), retries: this.queue.numRequeues(key) },
            "Failed to reconcile",
          );
        } finally {
          stopTimer();
          span.end();
        }
      },
    );
  }
}

function keyOfObject(object: KubernetesObject): ObjectKey {
  const namespace = object.metadata?.namespace;
  const name = object.metadata?.name ?? "";
  return namespace ? { namespace, name } : { name };
}
