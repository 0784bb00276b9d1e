// Where the real node keeps its state and which network it uses: a pure function of the
// cluster's name and directory, so every file, name and address is easy to find again
// when the node is stopped and cleaned up.
import { createHash } from "node:crypto";
import { join } from "node:path";

/** The one real (kubelet) node of a cluster, beside the KWOK nodes of pools.yaml. */
export const REAL_NODE_NAME = "cpu-real-0";
/** Every node of the real node's kind carries this label and a NoSchedule taint of the same key. */
export const REAL_NODE_LABEL = "kubetune.io/real-node";
/** The cluster DNS Service's ClusterIP, fixed in the service range (kubeadm's convention). */
export const CLUSTER_DNS_IP = "10.96.0.10";
/** Debian's containernetworking-plugins install directory. */
export const CNI_BIN_DIR = "/usr/lib/cni";
export const CNI_PLUGINS = ["bridge", "host-local", "loopback", "portmap"] as const;

export interface NodePlan {
  cluster: string;
  nodeName: string;
  /** Linux bridge of the pod network; at most 15 characters (IFNAMSIZ). */
  bridge: string;
  /** CNI network name; the bridge plugin's iptables comments carry it. */
  network: string;
  podCidr: string;
  /** The bridge's address: the node's InternalIP and the pods' gateway. */
  gateway: string;
  /** A cgroup of our own under every v1 hierarchy; the kubelet puts kubepods under it. */
  cgroupRoot: string;
  dirs: ReturnType<typeof nodeDirs>;
}

function shortHash(text: string): number[] {
  return [...createHash("sha256").update(text).digest().subarray(0, 4)];
}

export function nodePlan(cluster: string, clusterDir: string): NodePlan {
  const [a = 0, b = 0, c = 0] = shortHash(cluster);
  // 10.244.0.0/16 holds a /24 per cluster name; the bridge name is the same hash.
  const third = a;
  const hex = [a, b, c].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  return {
    cluster,
    nodeName: REAL_NODE_NAME,
    bridge: `kt-${hex}`,
    network: `kubetune-${hex}`,
    podCidr: `10.244.${third}.0/24`,
    gateway: `10.244.${third}.1`,
    cgroupRoot: `/kubetune-${hex}`,
    dirs: nodeDirs(join(clusterDir, "node")),
  };
}

function nodeDirs(root: string) {
  const containerd = join(root, "containerd");
  return {
    root,
    containerdRoot: join(containerd, "root"),
    containerdState: join(containerd, "state"),
    containerdConfig: join(containerd, "config.toml"),
    containerdSocket: join(containerd, "containerd.sock"),
    containerdOpt: join(containerd, "opt"),
    runcRoot: join(containerd, "runc"),
    cniConf: join(root, "cni", "net.d"),
    cniData: join(root, "cni", "networks"),
    kubeletRoot: join(root, "kubelet"),
    kubeletConfig: join(root, "kubelet.yaml"),
    podLogs: join(root, "pod-logs"),
    resolvConf: join(root, "resolv.conf"),
    kubeProxyConfig: join(root, "kube-proxy.yaml"),
    corednsKubeconfig: join(root, "coredns.kubeconfig"),
    manifests: join(root, "manifests.yaml"),
    hostSnapshot: join(root, "host-before.json"),
  };
}
