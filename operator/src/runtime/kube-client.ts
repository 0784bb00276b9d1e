// The real KubeClient: reads from informer caches where the kind is watched (so a
// reconcile costs no API reads), writes with server-side apply as kubetune-operator.
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import {
  ApiException,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import type { ApiObject, KubeClient, ListOptions, ObjectKey } from "./client.js";
import { FIELD_MANAGER, RejectedError } from "./client.js";
import type { KindInformer } from "./informer.js";
import type { ResourceKind } from "./kinds.js";
import { mergePatchBetween } from "./merge-patch.js";

const matchesLabels = (object: KubernetesObject, labels: Record<string, string> = {}) =>
  Object.entries(labels).every(([key, value]) => object.metadata?.labels?.[key] === value);

export function isApiError(error: unknown, code: number): boolean {
  return error instanceof ApiException && error.code === code;
}

function apiMessage(error: unknown): string {
  if (!(error instanceof ApiException)) return String(error);
  try {
    const body = JSON.parse(String(error.body)) as { message?: string };
    return body.message ?? String(error.body);
  } catch {
    return String(error.body);
  }
}

export class CachedKubeClient implements KubeClient {
  private readonly objects: KubernetesObjectApi;
  private readonly custom: CustomObjectsApi;

  constructor(
    kc: KubeConfig,
    private readonly informers: ReadonlyMap<string, KindInformer>,
    private readonly countWrite: (
      verb: "apply" | "create" | "status" | "patch" | "delete",
    ) => void = () => undefined,
  ) {
    this.objects = KubernetesObjectApi.makeApiClient(kc);
    this.custom = kc.makeApiClient(CustomObjectsApi);
  }

  private informerFor(kind: ResourceKind): KindInformer | undefined {
    return this.informers.get(kind.kind);
  }

  async get<T extends ApiObject>(
    kind: ResourceKind,
    key: ObjectKey,
    options: { fresh?: boolean } = {},
  ): Promise<T | undefined> {
    const informer = options.fresh ? undefined : this.informerFor(kind);
    if (informer)
      return structuredClone(informer.cache.get(key.name, key.namespace)) as T | undefined;
    try {
      const header = {
        apiVersion: kind.apiVersion,
        kind: kind.kind,
        metadata: { name: key.name, ...(key.namespace ? { namespace: key.namespace } : {}) },
      };
      return (await this.objects.read(header)) as unknown as T;
    } catch (error) {
      if (isApiError(error, 404)) return undefined;
      throw error;
    }
  }

  async list<T extends ApiObject>(
    kind: ResourceKind,
    options: ListOptions = {},
  ): Promise<readonly T[]> {
    const informer = this.informerFor(kind);
    if (informer) {
      // Cached objects are frozen (lean-objects.ts): the cache's own objects, no copies.
      const items = informer.cache
        .list(options.namespace)
        .filter((o) => matchesLabels(o, options.labels));
      return items as unknown as T[];
    }
    const selector =
      Object.entries(options.labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(",") || undefined;
    const list = await this.objects.list(
      kind.apiVersion,
      kind.kind,
      options.namespace,
      undefined,
      undefined,
      undefined,
      undefined,
      selector,
    );
    return list.items as unknown as T[];
  }

  async apply(object: ApiObject): Promise<void> {
    this.countWrite("apply");
    await this.objects.patch(
      object,
      undefined,
      undefined,
      FIELD_MANAGER,
      true,
      PatchStrategy.ServerSideApply,
    );
  }

  async create(object: ApiObject): Promise<"created" | "exists"> {
    this.countWrite("create");
    try {
      await this.objects.create(object, undefined, undefined, FIELD_MANAGER);
      return "created";
    } catch (error) {
      if (isApiError(error, 409)) return "exists";
      if (isApiError(error, 400) || isApiError(error, 422))
        throw new RejectedError(apiMessage(error), { cause: error });
      throw error;
    }
  }

  async patchStatus(
    kind: ResourceKind,
    key: ObjectKey,
    status: object,
    previous: object | undefined,
  ): Promise<void> {
    this.countWrite("status");
    const [group = "", version = ""] = kind.apiVersion.split("/");
    await this.custom.patchNamespacedCustomObjectStatus(
      {
        group,
        version,
        plural: kind.plural,
        namespace: key.namespace ?? "",
        name: key.name,
        body: { status: mergePatchBetween(previous ?? {}, status) },
        fieldManager: FIELD_MANAGER,
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
  }

  async patch(kind: ResourceKind, key: ObjectKey, patch: object): Promise<void> {
    this.countWrite("patch");
    const header = {
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      metadata: { name: key.name, ...(key.namespace ? { namespace: key.namespace } : {}) },
    };
    await this.objects.patch(
      { ...patch, ...header, metadata: { ...(patch as ApiObject).metadata, ...header.metadata } },
      undefined,
      undefined,
      FIELD_MANAGER,
      undefined,
      PatchStrategy.MergePatch,
    );
  }

  async delete(kind: ResourceKind, key: ObjectKey): Promise<void> {
    this.countWrite("delete");
    const object = {
      apiVersion: kind.apiVersion,
      kind: kind.kind,
      metadata: { name: key.name, ...(key.namespace ? { namespace: key.namespace } : {}) },
    };
    try {
      await this.objects.delete(object, undefined, undefined, undefined, undefined, "Background");
    } catch (error) {
      if (!isApiError(error, 404)) throw error;
    }
  }
}
