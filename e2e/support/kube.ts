// Small helpers the suites share: a client for the test cluster, throwaway namespaces,
// and the message of a rejected API request.
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
} from "@kubernetes/client-node";
import type { KubernetesObject } from "@kubernetes/client-node";

export function loadKubeConfig(file: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

/** Creates a namespace with a unique name; the returned function deletes it. */
export async function createNamespace(
  kc: KubeConfig,
  prefix: string,
): Promise<{ name: string; remove: () => Promise<void> }> {
  const core = kc.makeApiClient(CoreV1Api);
  const created = await core.createNamespace({
    body: { metadata: { generateName: `${prefix}-` } },
  });
  const name = created.metadata?.name;
  if (!name) throw new Error("the API server returned a namespace without a name");
  return {
    name,
    remove: async () => {
      await core.deleteNamespace({ name });
    },
  };
}

/** The Status message of a failed request (what kubectl would print after "Error from server"). */
export function apiErrorMessage(error: unknown): string {
  if (!(error instanceof ApiException)) throw error;
  const body: unknown = typeof error.body === "string" ? JSON.parse(error.body) : error.body;
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === "string" ? message : String(error.body);
}

/** Server-side apply of any object, as the field manager the tests use. */
export async function applyObject<T extends KubernetesObject>(
  kc: KubeConfig,
  object: T,
): Promise<T> {
  const client = KubernetesObjectApi.makeApiClient(kc);
  return client.patch(
    object,
    undefined,
    undefined,
    "kubetune-tests",
    true,
    PatchStrategy.ServerSideApply,
  );
}
