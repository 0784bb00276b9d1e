// The real TableVerifier: asks every ready router pod of the route for /v1/routes through
// the API server's pod proxy, which works from inside and outside the cluster alike.
import type { KubeConfig, V1Pod } from "@kubernetes/client-node";
import { ApiException, CoreV1Api } from "@kubernetes/client-node";
import type { ObjectKey } from "../../runtime/client.js";
import { ROUTER_PORT, routerSelector } from "./names.js";
import type { Applied, TableVerifier } from "./verify.js";
import { generationInRoutes, lowestGeneration } from "./verify.js";

const isReady = (pod: V1Pod) =>
  !pod.metadata?.deletionTimestamp &&
  (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");

export class PodProxyVerifier implements TableVerifier {
  private readonly core: CoreV1Api;

  constructor(kc: KubeConfig) {
    this.core = kc.makeApiClient(CoreV1Api);
  }

  async appliedGeneration(route: ObjectKey): Promise<Applied> {
    const namespace = route.namespace ?? "default";
    const labelSelector = Object.entries(routerSelector(route.name))
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    const pods = (await this.core.listNamespacedPod({ namespace, labelSelector })).items;
    const answers = await Promise.all(
      pods.filter(isReady).map((pod) => this.ask(pod.metadata?.name ?? "", namespace)),
    );
    return lowestGeneration(answers);
  }

  private async ask(pod: string, namespace: string): Promise<number | string> {
    try {
      const body = await this.core.connectGetNamespacedPodProxyWithPath({
        name: `${pod}:${ROUTER_PORT}`,
        namespace,
        path: "v1/routes",
      });
      return generationInRoutes(body) ?? `router pod ${pod} has no routing table in force`;
    } catch (error) {
      const detail = error instanceof ApiException ? `HTTP ${error.code}` : String(error);
      return `router pod ${pod} did not answer /v1/routes (${detail})`;
    }
  }
}
