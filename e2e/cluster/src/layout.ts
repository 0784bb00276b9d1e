// The cluster's fixed network layout and the file names inside a cluster directory.
import { join } from "node:path";

export const SERVICE_CIDR = "10.96.0.0/16";
/** The first address of the service range: the `kubernetes` Service's ClusterIP. */
export const KUBERNETES_SERVICE_IP = "10.96.0.1";
export const CLUSTER_DOMAIN = "cluster.local";

export interface Ports {
  etcdClient: number;
  etcdPeer: number;
  apiServer: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
}

export const PORT_NAMES = [
  "etcdClient",
  "etcdPeer",
  "apiServer",
  "controllerManager",
  "scheduler",
  "kwok",
] as const;

/** Every file a running cluster uses, relative to its directory. */
export function clusterFiles(dir: string) {
  const pki = join(dir, "pki");
  return {
    dir,
    state: join(dir, "state.json"),
    // Beside the directory, not in it: a fresh start empties the directory under the lock.
    lock: `${dir}.lock`,
    etcdData: join(dir, "etcd"),
    logs: join(dir, "logs"),
    pki,
    caCert: join(pki, "ca.crt"),
    caKey: join(pki, "ca.key"),
    apiServerCert: join(pki, "apiserver.crt"),
    apiServerKey: join(pki, "apiserver.key"),
    serviceAccountKey: join(pki, "sa.key"),
    serviceAccountPub: join(pki, "sa.pub"),
    kubeletClientCert: join(pki, "apiserver-kubelet-client.crt"),
    kubeletClientKey: join(pki, "apiserver-kubelet-client.key"),
    kubeconfig: (client: string) => join(dir, `${client}.kubeconfig`),
    log: (component: string) => join(dir, "logs", `${component}.log`),
    kwokConfig: join(dir, "kwok.yaml"),
  };
}

export type ClusterFiles = ReturnType<typeof clusterFiles>;
