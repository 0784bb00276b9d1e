// The real TableDelivery, through the API server's pod proxy (which works from inside and
// outside the cluster alike): every running router pod of the route is asked for
// /v1/routes, and one that serves an older generation, or none, gets the table pushed
// (PUT /v1/routes with the route's admin token). Running, not Ready: a router that
// started before its ConfigMap existed is unready for want of a table, which the push
// gives it. The ConfigMap stays the source a new or restarted router reads; the push
// only saves waiting for the kubelet to refresh the mounted file (about a minute).
import type { KubeConfig, V1Pod } from "@kubernetes/client-node";
import { ApiException, CoreV1Api } from "@kubernetes/client-node";
import type { RoutingTable } from "@kubetune/api";
import { ROUTER_ADMIN_TOKEN_HEADER } from "@kubetune/api";
import type { ObjectKey } from "../../runtime/client.js";
import { podProxyRequest } from "../../runtime/pod-proxy.js";
import { ROUTER_PORT, routerSelector } from "./names.js";
import { tableJson } from "./table.js";
import type { Applied, TableDelivery } from "./verify.js";
import { appliedForCallers, errorInAnswer, generationInRoutes } from "./verify.js";

const PUSH_TIMEOUT_MS = 5_000;

const isReady = (pod: V1Pod) =>
  (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");

const isRunning = (pod: V1Pod) =>
  !pod.metadata?.deletionTimestamp &&
  pod.status?.phase === "Running" &&
  (pod.status.containerStatuses ?? []).every((c) => c.state?.running !== undefined);

interface Target {
  pod: string;
  namespace: string;
  table: RoutingTable;
  token: string | undefined;
}

export class PodProxyDelivery implements TableDelivery {
  private readonly core: CoreV1Api;

  constructor(private readonly kc: KubeConfig) {
    this.core = kc.makeApiClient(CoreV1Api);
  }

  async deliver(
    route: ObjectKey,
    table: RoutingTable,
    token: string | undefined,
  ): Promise<Applied> {
    const namespace = route.namespace ?? "default";
    const labelSelector = Object.entries(routerSelector(route.name))
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    const pods = (await this.core.listNamespacedPod({ namespace, labelSelector })).items;
    const running = pods.filter(isRunning);
    const answers = await Promise.all(
      running.map((pod) =>
        this.bringUp({ pod: pod.metadata?.name ?? "", namespace, table, token }),
      ),
    );
    const unready = running.find((pod) => !isReady(pod))?.metadata?.name;
    return appliedForCallers(answers, unready);
  }

  /** The generation the pod serves after a push if it was behind; a string says why not. */
  private async bringUp(target: Target): Promise<number | string> {
    const serving = await this.ask(target.pod, target.namespace);
    if (typeof serving === "number" && serving >= target.table.generation) return serving;
    if (target.token === undefined) return serving;
    return this.push(target);
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
      // 503 with no table yet: the push below can still bring it up.
      const detail = error instanceof ApiException ? `HTTP ${error.code}` : String(error);
      return `router pod ${pod} did not answer /v1/routes (${detail})`;
    }
  }

  private async push(target: Target): Promise<number | string> {
    const { pod, namespace, table, token = "" } = target;
    try {
      const answer = await podProxyRequest(this.kc, {
        namespace,
        pod,
        port: ROUTER_PORT,
        path: "v1/routes",
        method: "PUT",
        body: tableJson(table),
        headers: { [ROUTER_ADMIN_TOKEN_HEADER]: token },
        timeoutMs: PUSH_TIMEOUT_MS,
      });
      if (answer.status === 200)
        return generationInRoutes(answer.body) ?? `router pod ${pod} answered the push oddly`;
      return `router pod ${pod} refused generation ${table.generation} (HTTP ${answer.status}: ${errorInAnswer(answer.body)})`;
    } catch (error) {
      return `router pod ${pod} did not take the pushed table (${String(error)})`;
    }
  }
}
