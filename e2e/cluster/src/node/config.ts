// The real node's configuration files, rendered as pure functions of its plan: containerd's
// (CRI with cgroupfs, our sandbox image, no registry configuration), the CNI network, the
// kubelet's and kube-proxy's. Everything they listen on is loopback or the node's bridge.
import { stringify } from "yaml";
import { CLUSTER_DOMAIN } from "../layout.js";
import type { NodePlan } from "./plan.js";
import { CLUSTER_DNS_IP, CNI_BIN_DIR, REAL_NODE_LABEL } from "./plan.js";
import { POOL_LABEL, ZONE } from "../nodes.js";

/** The sandbox ("pause") image; built by images.ts, a short name the CRI normalises. */
export const PAUSE_IMAGE = "kubetune/pause:0.1.0";

export function containerdConfig(plan: NodePlan): string {
  const d = plan.dirs;
  const cri = `plugins."io.containerd.grpc.v1.cri"`;
  return `# Written by kubetune's cluster:up for the real node of cluster "${plan.cluster}".
version = 2
root = "${d.containerdRoot}"
state = "${d.containerdState}"

[grpc]
  address = "${d.containerdSocket}"

[plugins."io.containerd.internal.v1.opt"]
  path = "${d.containerdOpt}"

[${cri}]
  sandbox_image = "${PAUSE_IMAGE}"
  # Network namespaces of pods under our state directory, not /var/run/netns.
  netns_mounts_under_state_dir = true
  # Without CAP_SYS_RESOURCE (as in this sandbox) runc cannot lower a container's
  # oom_score_adj below containerd's own (the pause container asks for -998): clamp it.
  restrict_oom_score_adj = true

[${cri}.containerd]
  snapshotter = "overlayfs"
  default_runtime_name = "runc"

[${cri}.containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[${cri}.containerd.runtimes.runc.options]
  # cgroup v1 on this machine, no systemd: the kubelet uses cgroupfs too.
  SystemdCgroup = false
  Root = "${d.runcRoot}"

[${cri}.cni]
  bin_dir = "${CNI_BIN_DIR}"
  conf_dir = "${d.cniConf}"
  max_conf_num = 1
`;
}

export function cniConflist(plan: NodePlan): string {
  return `${JSON.stringify(
    {
      cniVersion: "1.0.0",
      name: plan.network,
      plugins: [
        {
          type: "bridge",
          bridge: plan.bridge,
          isGateway: true,
          ipMasq: true,
          hairpinMode: true,
          ipam: {
            type: "host-local",
            ranges: [[{ subnet: plan.podCidr, gateway: plan.gateway }]],
            routes: [{ dst: "0.0.0.0/0" }],
            // host-local's allocations live with the cluster, not in /var/lib/cni.
            dataDir: plan.dirs.cniData,
          },
        },
        { type: "portmap", capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  )}\n`;
}

export interface NodePorts {
  kubelet: number;
  kubeletHealthz: number;
  kubeProxyHealthz: number;
  kubeProxyMetrics: number;
}

export function kubeletConfig(plan: NodePlan, ports: NodePorts, caFile: string): string {
  return stringify({
    apiVersion: "kubelet.config.k8s.io/v1beta1",
    kind: "KubeletConfiguration",
    // The API server reaches the kubelet (logs, exec) on the node's bridge address.
    address: plan.gateway,
    port: ports.kubelet,
    readOnlyPort: 0,
    healthzBindAddress: "127.0.0.1",
    healthzPort: ports.kubeletHealthz,
    authentication: {
      anonymous: { enabled: false },
      webhook: { enabled: false },
      x509: { clientCAFile: caFile },
    },
    authorization: { mode: "AlwaysAllow" },
    cgroupDriver: "cgroupfs",
    cgroupRoot: plan.cgroupRoot,
    failSwapOn: false,
    clusterDNS: [CLUSTER_DNS_IP],
    clusterDomain: CLUSTER_DOMAIN,
    resolvConf: plan.dirs.resolvConf,
    containerRuntimeEndpoint: `unix://${plan.dirs.containerdSocket}`,
    podLogsDir: plan.dirs.podLogs,
    podCIDR: plan.podCidr,
    // Disks here can be nearly full: evict only when really out, and never collect the
    // images we imported (they cannot be pulled again).
    evictionHard: {
      "memory.available": "100Mi",
      "nodefs.available": "1%",
      "nodefs.inodesFree": "1%",
      "imagefs.available": "1%",
    },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    registerWithTaints: [{ key: REAL_NODE_LABEL, value: "true", effect: "NoSchedule" }],
    serializeImagePulls: false,
    // The kubelet may not change kernel settings it does not need for one test node.
    protectKernelDefaults: false,
    maxPods: 30,
  });
}

/** Labels the node registers with: a normal `cpu` pool node, and the real-node marker. */
export function nodeLabels(): string {
  return [
    `${POOL_LABEL}=cpu`,
    `${REAL_NODE_LABEL}=true`,
    "node.kubernetes.io/instance-type=local",
    `topology.kubernetes.io/zone=${ZONE}`,
  ].join(",");
}

export function kubeProxyConfig(plan: NodePlan, ports: NodePorts, kubeconfig: string): string {
  return stringify({
    apiVersion: "kubeproxy.config.k8s.io/v1alpha1",
    kind: "KubeProxyConfiguration",
    mode: "iptables",
    clientConnection: { kubeconfig },
    hostnameOverride: plan.nodeName,
    clusterCIDR: plan.podCidr,
    bindAddress: "127.0.0.1",
    healthzBindAddress: `127.0.0.1:${ports.kubeProxyHealthz}`,
    metricsBindAddress: `127.0.0.1:${ports.kubeProxyMetrics}`,
    // NodePorts only on the node's bridge, and no route_localnet sysctl for localhost ones.
    nodePortAddresses: [`${plan.gateway}/32`],
    iptables: { localhostNodePorts: false },
    // Leave the host's conntrack table settings alone.
    conntrack: {
      maxPerCore: 0,
      min: 0,
      tcpEstablishedTimeout: "0s",
      tcpCloseWaitTimeout: "0s",
    },
  });
}

/** The host's name servers without its search list: pods' search lists stay short. */
export function resolvConf(hostResolvConf: string): string {
  const servers = hostResolvConf
    .split("\n")
    .filter((line) => /^\s*nameserver\s/.test(line))
    .map((line) => line.trim());
  return `${(servers.length > 0 ? servers : ["nameserver 127.0.0.1"]).join("\n")}\n`;
}
