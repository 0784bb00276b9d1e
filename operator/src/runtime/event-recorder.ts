// Kubernetes Events (core/v1) for transitions, so `kubectl describe` tells the story.
// Recording is best effort: a failed event write is logged, never fails a reconcile.
import type { KubeConfig } from "@kubernetes/client-node";
import { CoreV1Api } from "@kubernetes/client-node";
import type { ApiObject, EventRecorder } from "./client.js";
import type { Logger } from "./logger.js";

export const REPORTING_COMPONENT = "kubetune-operator";

/** The same event for the same object is recorded once per window (client-go aggregates similarly). */
const DEDUP_WINDOW_MS = 10 * 60_000;

export function apiEventRecorder(
  kc: KubeConfig,
  log: Logger,
  instance: string,
  onWrite: () => void = () => undefined,
): EventRecorder {
  const core = kc.makeApiClient(CoreV1Api);
  const recent = new Map<string, number>();
  const isRepeat = (key: string, now: number) => {
    for (const [k, at] of recent) if (now - at > DEDUP_WINDOW_MS) recent.delete(k);
    const seen = recent.has(key);
    recent.set(key, now);
    return seen;
  };
  const record =
    (type: "Normal" | "Warning") => (object: ApiObject, reason: string, message: string) => {
      // Reconciles read a cache that may not yet show the status they just wrote.
      if (isRepeat(`${object.metadata?.uid ?? ""}/${type}/${reason}/${message}`, Date.now()))
        return;
      const body = eventFor(object, { type, reason, message, instance });
      const namespace = body.metadata.namespace;
      onWrite();
      core.createNamespacedEvent({ namespace, body }).catch((error: unknown) => {
        log.warn({ reason, err: String(error) }, "Failed to record event");
      });
    };
  return { normal: record("Normal"), warning: record("Warning") };
}

interface EventInput {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
  instance: string;
}

function eventFor(object: ApiObject, input: EventInput) {
  const namespace = object.metadata?.namespace ?? "default";
  const name = object.metadata?.name ?? "object";
  const now = new Date();
  return {
    metadata: { generateName: `${name}.`, namespace },
    involvedObject: {
      apiVersion: object.apiVersion ?? "",
      kind: object.kind ?? "",
      name,
      namespace,
      uid: object.metadata?.uid ?? "",
    },
    type: input.type,
    reason: input.reason,
    message: input.message.slice(0, 1024),
    source: { component: REPORTING_COMPONENT },
    reportingComponent: REPORTING_COMPONENT,
    reportingInstance: input.instance,
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
}
