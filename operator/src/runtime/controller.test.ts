import { EventEmitter } from "node:events";
import type { KubernetesObject } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { Controller } from "./controller.js";
import type { KindInformer } from "./informer.js";
import type { Logger } from "./logger.js";
import { OperatorMetrics } from "./metrics.js";

/** Just enough of an informer for the controller to subscribe to. */
function fakeInformer(): { informer: KindInformer; emit: (verb: string, o: object) => void } {
  const events = new EventEmitter();
  const cache = { on: events.on.bind(events), list: () => [] };
  return {
    informer: { cache } as unknown as KindInformer,
    emit: (verb, object) => events.emit(verb, object),
  };
}

const silent: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function run(generation: number, extra: Partial<KubernetesObject["metadata"]> = {}) {
  return { metadata: { name: "ftj-a", namespace: "ml", generation, ...extra }, status: {} };
}

function controllerOver(root: KindInformer, ignoreStatusUpdates: boolean) {
  return new Controller({
    name: "test",
    root,
    watches: [],
    reconcile: () => Promise.resolve({}),
    workers: 1,
    metrics: new OperatorMetrics(),
    log: silent,
    resyncMs: 60_000,
    ignoreStatusUpdates,
  });
}

describe("Controller", () => {
  it.each([
    ["only status changed", run(1), 0],
    ["the spec changed (generation)", run(2), 1],
    ["deletion started", run(1, { deletionTimestamp: new Date("2026-11-22T00:00:00Z") }), 1],
    ["a label changed", run(1, { labels: { team: "ml" } }), 1],
  ])(
    "when a root object's update shows %s, enqueues it %i times",
    async (_case, updated, expected) => {
      const { informer, emit } = fakeInformer();
      const controller = controllerOver(informer, true);
      emit("add", run(1));
      const key = await controller.queue.get();
      if (key) controller.queue.done(key);

      emit("update", updated);

      expect(controller.queue.len()).toBe(expected);
    },
  );

  it("when status updates are not ignored, enqueues every update", async () => {
    const { informer, emit } = fakeInformer();
    const controller = controllerOver(informer, false);
    emit("add", run(1));
    const key = await controller.queue.get();
    if (key) controller.queue.done(key);

    emit("update", run(1));

    expect(controller.queue.len()).toBe(1);
  });
});
