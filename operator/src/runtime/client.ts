// What controllers may do to the cluster. Controllers depend on this interface only:
// the real implementation reads from informer caches and writes with server-side apply;
// tests use a small in-memory fake.
import type { ResourceKind } from "./kinds.js";

/**
 * Any Kubernetes object, as far as the client needs to know. Not client-node's
 * ApiObject: custom resources arrive as plain JSON, with timestamps as strings.
 */
export interface ApiObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; uid?: string };
}

export const FIELD_MANAGER = "kubetune-operator";

export interface ObjectKey {
  namespace?: string;
  name: string;
}

export interface ListOptions {
  namespace?: string;
  /** Equality-based label selector. */
  labels?: Record<string, string>;
}

export interface KubeClient {
  /**
   * Reads an object, from the cache where one exists, or from the API server with
   * `fresh` (the cache may not yet hold what this operator itself just wrote).
   * Undefined if it does not exist.
   */
  get<T extends ApiObject>(
    kind: ResourceKind,
    key: ObjectKey,
    options?: { fresh?: boolean },
  ): Promise<T | undefined>;
  /**
   * Objects of a kind, from the cache when there is one. Listed objects are shared and
   * frozen: copy one (structuredClone) before changing it.
   */
  list<T extends ApiObject>(kind: ResourceKind, options?: ListOptions): Promise<readonly T[]>;
  /** Server-side apply as kubetune-operator, taking ownership of conflicting fields. */
  apply(object: ApiObject): Promise<void>;
  /**
   * Creates an object that must never be overwritten; "exists" when one is already there.
   * Throws RejectedError when the API server refuses the object as invalid.
   */
  create(object: ApiObject): Promise<"created" | "exists">;
  /**
   * Sets the status subresource to `status`, sent as a merge patch from `previous` (the
   * status the caller read): only changed fields travel, and fields `status` no longer
   * has are removed.
   */
  patchStatus(
    kind: ResourceKind,
    key: ObjectKey,
    status: object,
    previous: object | undefined,
  ): Promise<void>;
  /**
   * A JSON merge patch of the object itself (not its status), for the few fields the
   * operator changes on objects users own, such as a ModelVersion's stage: unlike apply,
   * it takes no lasting ownership of the fields. Throws when the object does not exist.
   */
  patch(kind: ResourceKind, key: ObjectKey, patch: object): Promise<void>;
  delete(kind: ResourceKind, key: ObjectKey): Promise<void>;
}

/** The API server refused an object as invalid (400/422): retrying the same object cannot help. */
export class RejectedError extends Error {}

export interface EventRecorder {
  normal(object: ApiObject, reason: string, message: string): void;
  warning(object: ApiObject, reason: string, message: string): void;
}

export function keyOf(object: ApiObject): ObjectKey {
  const name = object.metadata?.name;
  if (!name) throw new Error("object has no name");
  const namespace = object.metadata?.namespace;
  return namespace ? { namespace, name } : { name };
}

export function keyString(key: ObjectKey): string {
  return key.namespace ? `${key.namespace}/${key.name}` : key.name;
}

export function parseKey(key: string): ObjectKey {
  const [first, second] = key.split("/");
  return second === undefined ? { name: first ?? "" } : { namespace: first ?? "", name: second };
}
