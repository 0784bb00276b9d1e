// Where the local cluster keeps its binaries and state: outside the repository, so
// nothing built or generated here can be committed by accident.
import { homedir } from "node:os";
import { join } from "node:path";

export function cacheDir(): string {
  return process.env.KUBETUNE_CACHE_DIR ?? join(homedir(), ".cache", "kubetune");
}

/** A cluster's working directory: PKI, kubeconfigs, etcd data, logs, state.json. */
export function clusterDir(name: string): string {
  return process.env.KUBETUNE_CLUSTER_DIR ?? join(cacheDir(), "clusters", name);
}

export const CLUSTER_SOURCE_DIR = join(import.meta.dirname, "..");
export const REPO_ROOT = join(CLUSTER_SOURCE_DIR, "..", "..");
