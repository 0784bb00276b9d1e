// A small in-memory KubeClient for reconciler unit tests. Deliberately dumb: it stores
// objects by kind/namespace/name, applies by replacing (no field ownership), and records
// events. Tests assert on the resulting objects, never on call sequences.
import type {
  ApiObject,
  EventRecorder,
  KubeClient,
  ListOptions,
  ObjectKey,
} from "../src/runtime/client.js";
import { deepFreeze } from "../src/runtime/lean-objects.js";
import { applyMergePatch, mergePatchBetween } from "../src/runtime/merge-patch.js";
import { RejectedError, keyOf } from "../src/runtime/client.js";
import type { ResourceKind } from "../src/runtime/kinds.js";

type Stored = ApiObject & { status?: unknown };

export class FakeClient implements KubeClient {
  private readonly objects = new Map<string, Stored>();
  readonly events: { reason: string; type: "Normal" | "Warning"; message: string }[] = [];
  private generation = 0;

  private id(kind: string, key: ObjectKey): string {
    return `${kind}/${key.namespace ?? ""}/${key.name}`;
  }

  /** Puts an object into the fake cluster as if it already existed. */
  seed(object: ApiObject): this {
    this.objects.set(this.id(object.kind ?? "", keyOf(object)), structuredClone(object));
    return this;
  }

  get<T extends ApiObject>(kind: ResourceKind, key: ObjectKey): Promise<T | undefined> {
    const found = this.objects.get(this.id(kind.kind, key));
    return Promise.resolve(found ? (structuredClone(found) as T) : undefined);
  }

  /** Frozen copies, like the real client's cached lists, so a reconciler that changes one fails. */
  list<T extends ApiObject>(kind: ResourceKind, options: ListOptions = {}): Promise<readonly T[]> {
    const matches = [...this.objects.values()].filter(
      (o) =>
        o.kind === kind.kind &&
        (!options.namespace || o.metadata?.namespace === options.namespace) &&
        Object.entries(options.labels ?? {}).every(([k, v]) => o.metadata?.labels?.[k] === v),
    );
    return Promise.resolve(matches.map((o) => deepFreeze(structuredClone(o) as T)));
  }

  apply(object: ApiObject): Promise<void> {
    const id = this.id(object.kind ?? "", keyOf(object));
    const existing = this.objects.get(id);
    this.objects.set(id, {
      ...structuredClone(object),
      ...(existing?.status ? { status: existing.status } : {}),
    });
    return Promise.resolve();
  }

  /** When set, creates are refused as the API server refuses an invalid object. */
  rejectCreates: string | undefined;

  create(object: ApiObject): Promise<"created" | "exists"> {
    if (this.rejectCreates) return Promise.reject(new RejectedError(this.rejectCreates));
    const id = this.id(object.kind ?? "", keyOf(object));
    if (this.objects.has(id)) return Promise.resolve("exists");
    const metadata = { ...object.metadata, uid: `uid-${++this.generation}`, generation: 1 };
    this.objects.set(id, { ...structuredClone(object), metadata });
    return Promise.resolve("created");
  }

  /** Applies the merge patch the real client would send, as the API server would. */
  patchStatus(
    kind: ResourceKind,
    key: ObjectKey,
    status: object,
    previous: object | undefined,
  ): Promise<void> {
    const stored = this.objects.get(this.id(kind.kind, key));
    if (!stored) return Promise.reject(new Error(`${kind.kind} ${key.name} not found`));
    const patch = mergePatchBetween(previous ?? {}, structuredClone(status));
    stored.status = applyMergePatch(stored.status, patch);
    return Promise.resolve();
  }

  /** Applies a merge patch to the object, as the API server would. */
  patch(kind: ResourceKind, key: ObjectKey, patch: object): Promise<void> {
    const id = this.id(kind.kind, key);
    const stored = this.objects.get(id);
    if (!stored) return Promise.reject(new Error(`${kind.kind} ${key.name} not found`));
    this.objects.set(id, applyMergePatch(stored, structuredClone(patch)) as Stored);
    return Promise.resolve();
  }

  delete(kind: ResourceKind, key: ObjectKey): Promise<void> {
    this.objects.delete(this.id(kind.kind, key));
    return Promise.resolve();
  }

  /** Test-side mutation, e.g. the Job controller marking a Job complete. */
  update(kind: ResourceKind, key: ObjectKey, change: (object: Stored) => void): void {
    const stored = this.objects.get(this.id(kind.kind, key));
    if (!stored) throw new Error(`${kind.kind} ${key.name} not found`);
    change(stored);
  }

  recorder(): EventRecorder {
    return {
      normal: (_o, reason, message) => this.events.push({ type: "Normal", reason, message }),
      warning: (_o, reason, message) => this.events.push({ type: "Warning", reason, message }),
    };
  }
}
