// What the caches keep of each object, and how. managedFields (server-side apply's record of who
// owns which field) and kubectl's last-applied-configuration are often larger than the
// rest of the object, and no reconciler reads them from the cache; dropping them before
// caching is what keeps the operator's memory flat with thousands of runs (the same
// trade client-go users make with a cache transform). Cached objects are frozen, so the
// client can hand out the cached object itself from a list instead of a copy (copying a
// thousand pods on every reconcile was most of its cost), and a reconciler that tries to
// change one fails loudly instead of corrupting the cache.
import type { KubernetesObject } from "@kubernetes/client-node";
import { Watch } from "@kubernetes/client-node";

const LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

/** The object without the bookkeeping no reconciler reads from a cache (changed in place). */
export function leanObject<T>(object: T): T {
  const metadata = (object as KubernetesObject | undefined)?.metadata;
  if (!metadata) return object;
  delete metadata.managedFields;
  if (metadata.annotations && LAST_APPLIED in metadata.annotations) {
    const { [LAST_APPLIED]: _dropped, ...rest } = metadata.annotations;
    metadata.annotations = rest;
  }
  return object;
}

/** Freezes the object and everything in it. */
export function deepFreeze<T>(object: T): T {
  if (typeof object !== "object" || object === null || Object.isFrozen(object)) return object;
  for (const value of Object.values(object)) deepFreeze(value);
  return Object.freeze(object);
}

/** What a cache stores: the lean object, frozen. */
export function forCache<T>(object: T): T {
  return deepFreeze(leanObject(object));
}

/** A Watch whose events carry lean, frozen objects, for the informers' caches. */
export class LeanWatch extends Watch {
  override watch(
    path: string,
    queryParams: Parameters<Watch["watch"]>[1],
    callback: Parameters<Watch["watch"]>[2],
    done: Parameters<Watch["watch"]>[3],
  ): Promise<AbortController> {
    return super.watch(
      path,
      queryParams,
      (phase, object: unknown, watchObject?: unknown) => {
        callback(phase, forCache(object), watchObject);
      },
      done,
    );
  }
}
