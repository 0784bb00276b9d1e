// How the cluster commands reach the cluster: the current kubeconfig (KUBECONFIG or
// ~/.kube/config), its context's namespace unless --namespace names one, and the
// kubeconfig user's name for the stage history.
import { KubeConfig } from "@kubernetes/client-node";
import { ApiException } from "@kubernetes/client-node";
import type { KubeClient } from "../runtime/client.js";
import { CachedKubeClient } from "../runtime/kube-client.js";
import { CliError } from "./command.js";

export interface Cluster {
  client: KubeClient;
  namespace: string;
  /** Who is acting, recorded with stage changes. */
  user: string;
  now: () => Date;
}

export type Connect = (namespace: string | undefined) => Cluster;

export const kubeconfigCluster: Connect = (namespace) => {
  const kc = new KubeConfig();
  try {
    kc.loadFromDefault();
  } catch (error) {
    throw new CliError(`Cannot read the kubeconfig: ${(error as Error).message}.`);
  }
  const context = kc.getContextObject(kc.getCurrentContext());
  return {
    // No informers: every read goes to the API server.
    client: new CachedKubeClient(kc, new Map()),
    namespace: namespace ?? context?.namespace ?? "default",
    user: kc.getCurrentUser()?.name ?? "kubetune-cli",
    now: () => new Date(),
  };
};

/** Runs a cluster call; an unreachable or refusing API server becomes a sentence for the user. */
export async function talk<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof ApiException) {
      const message = apiMessage(error.body);
      throw new CliError(`The cluster refused to ${what} (HTTP ${error.code}): ${message}.`);
    }
    throw new CliError(`Cannot reach the cluster to ${what}: ${(error as Error).message}.`);
  }
}

function apiMessage(body: unknown): string {
  try {
    const parsed = JSON.parse(String(body)) as { message?: string };
    return parsed.message ?? String(body);
  } catch {
    return String(body);
  }
}
