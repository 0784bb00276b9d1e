// Command lines of the control-plane components: pure functions of the cluster's files
// and ports, so what runs is easy to read and to test. Everything binds to 127.0.0.1.
import type { ClusterFiles, Ports } from "./layout.js";
import { CLUSTER_DOMAIN, SERVICE_CIDR } from "./layout.js";

const LOOPBACK = "127.0.0.1";

export function etcdArgs(files: ClusterFiles, ports: Ports): string[] {
  const client = `http://${LOOPBACK}:${ports.etcdClient}`;
  const peer = `http://${LOOPBACK}:${ports.etcdPeer}`;
  return [
    "--name=kubetune",
    `--data-dir=${files.etcdData}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=kubetune=${peer}`,
    // A throwaway test cluster: durability is not worth an fsync per write.
    "--unsafe-no-fsync",
    "--quota-backend-bytes=2147483648",
    "--log-level=warn",
  ];
}

export function apiServerArgs(files: ClusterFiles, ports: Ports): string[] {
  return [
    `--etcd-servers=http://${LOOPBACK}:${ports.etcdClient}`,
    `--bind-address=${LOOPBACK}`,
    `--advertise-address=${LOOPBACK}`,
    `--secure-port=${ports.apiServer}`,
    `--tls-cert-file=${files.apiServerCert}`,
    `--tls-private-key-file=${files.apiServerKey}`,
    `--client-ca-file=${files.caCert}`,
    "--authorization-mode=RBAC",
    `--service-account-issuer=https://kubernetes.default.svc.${CLUSTER_DOMAIN}`,
    `--service-account-key-file=${files.serviceAccountPub}`,
    `--service-account-signing-key-file=${files.serviceAccountKey}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    "--allow-privileged=true",
    // The real node's kubelet (logs, exec); simulated nodes have none to call.
    `--kubelet-client-certificate=${files.kubeletClientCert}`,
    `--kubelet-client-key=${files.kubeletClientKey}`,
    // Node names resolve nowhere here; the real node's InternalIP is its bridge address.
    "--kubelet-preferred-address-types=InternalIP,Hostname",
    "--profiling=false",
    // Endpoints may not hold a loopback address, so the reconciler for the `kubernetes`
    // Service could only log errors; nothing in this cluster reaches the API that way.
    "--endpoint-reconciler-type=none",
    // A single-user test cluster: API priority and fairness only costs memory here.
    "--enable-priority-and-fairness=false",
  ];
}

function controllerCommonArgs(kubeconfig: string, port: number): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    `--bind-address=${LOOPBACK}`,
    `--secure-port=${port}`,
    "--leader-elect=false",
    "--profiling=false",
  ];
}

export function controllerManagerArgs(files: ClusterFiles, ports: Ports): string[] {
  return [
    ...controllerCommonArgs(files.kubeconfig("controller-manager"), ports.controllerManager),
    "--use-service-account-credentials=true",
    `--service-account-private-key-file=${files.serviceAccountKey}`,
    `--root-ca-file=${files.caCert}`,
    `--cluster-signing-cert-file=${files.caCert}`,
    `--cluster-signing-key-file=${files.caKey}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    // Simulated nodes have no kubelet to drain: evict quickly if one goes away.
    "--node-monitor-grace-period=20s",
  ];
}

export function schedulerArgs(files: ClusterFiles, ports: Ports): string[] {
  return controllerCommonArgs(files.kubeconfig("scheduler"), ports.scheduler);
}

export function kwokArgs(files: ClusterFiles, ports: Ports): string[] {
  return [
    `--kubeconfig=${files.kubeconfig("kwok")}`,
    `--config=${files.kwokConfig}`,
    // Only nodes we mark as simulated; a real kubelet node (later) is left alone.
    "--manage-all-nodes=false",
    "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
    `--server-address=${LOOPBACK}:${ports.kwok}`,
    `--node-ip=${LOOPBACK}`,
    // KWOK logs every lease renewal at INFO; keep its log for what goes wrong.
    "--v=WARN",
  ];
}
