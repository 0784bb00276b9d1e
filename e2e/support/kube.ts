// Small helpers the suites share: a client for the test cluster, throwaway namespaces,
// and the message of a rejected API request.
import { setTimeout as sleep } from "node:timers/promises";
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
  return { name, remove: () => deleteNamespaceAndWait(core, name) };
}

/** Deleting a suite's namespace takes its pods' grace periods (the routers' is 30 s). */
const NAMESPACE_GONE_MS = 120_000;

/**
 * Deletes the namespace and waits until it is gone, so the next suite never runs beside
 * this one's terminating pods and Services: a released ClusterIP can be handed to the
 * next suite's Service while kube-proxy still routes it to the old endpoints.
 */
async function deleteNamespaceAndWait(core: CoreV1Api, name: string): Promise<void> {
  await core.deleteNamespace({ name });
  const deadline = Date.now() + NAMESPACE_GONE_MS;
  while (Date.now() < deadline) {
    const gone = await core.readNamespace({ name }).then(
      () => false,
      () => true,
    );
    if (gone) return;
    await sleep(1_000);
  }
  throw new Error(`namespace ${name} still exists ${NAMESPACE_GONE_MS} ms after deletion`);
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
