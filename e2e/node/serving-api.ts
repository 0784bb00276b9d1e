// The suite's view of kubetune's custom resources: create them, patch routes, read status
// and conditions, and the route Service's address as a client inside the host sees it.
import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
} from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";
import type { InferenceRoute, ModelVersion } from "@kubetune/api";

const GROUP = { group: "kubetune.io", version: "v1alpha1" };
const PLURAL = { ModelVersion: "modelversions", InferenceRoute: "inferenceroutes" } as const;
type Served = ModelVersion | InferenceRoute;

export class ServingApi {
  private readonly custom: CustomObjectsApi;
  private readonly core: CoreV1Api;

  constructor(
    kc: KubeConfig,
    readonly namespace: string,
  ) {
    this.custom = kc.makeApiClient(CustomObjectsApi);
    this.core = kc.makeApiClient(CoreV1Api);
  }

  async create(object: Served): Promise<void> {
    await this.custom.createNamespacedCustomObject({
      ...GROUP,
      namespace: this.namespace,
      plural: PLURAL[object.kind],
      body: object,
    });
  }

  /** A JSON merge patch of a route's spec (weights, rollout). */
  async patchRoute(name: string, spec: Partial<InferenceRoute["spec"]>): Promise<void> {
    await this.custom.patchNamespacedCustomObject(
      { ...GROUP, namespace: this.namespace, plural: PLURAL.InferenceRoute, name, body: { spec } },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
  }

  private async read<T extends Served>(kind: T["kind"], name: string): Promise<T | undefined> {
    try {
      return (await this.custom.getNamespacedCustomObject({
        ...GROUP,
        namespace: this.namespace,
        plural: PLURAL[kind],
        name,
      })) as T;
    } catch {
      return undefined;
    }
  }

  version = (name: string) => this.read<ModelVersion>("ModelVersion", name);
  route = (name: string) => this.read<InferenceRoute>("InferenceRoute", name);

  /** "Status/Reason" of a condition, e.g. "True/ReplicasReady"; undefined while absent. */
  async condition(kind: Served["kind"], name: string, type: string): Promise<string | undefined> {
    const object = await this.read(kind, name);
    const found = object?.status?.conditions?.find((c) => c.type === type);
    return found ? `${found.status}/${found.reason}` : undefined;
  }

  /** Each variant's weight as the router confirmed it, e.g. { stable: 90, candidate: 10 }. */
  async appliedWeights(name: string): Promise<Record<string, number | undefined>> {
    const variants = (await this.route(name))?.status?.variants ?? [];
    return Object.fromEntries(variants.map((v) => [v.name, v.weight]));
  }

  /** http://<ClusterIP>:<port> of the route's Service: kube-proxy routes the host's traffic too. */
  async routeUrl(name: string): Promise<string> {
    const service = await this.core.readNamespacedService({ name, namespace: this.namespace });
    const port = service.spec?.ports?.[0]?.port;
    return `http://${service.spec?.clusterIP ?? ""}:${port ?? ""}`;
  }
}
