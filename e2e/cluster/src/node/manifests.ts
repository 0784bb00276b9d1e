// The objects the real node needs in the API: RBAC for its kubelet and for CoreDNS, and
// cluster DNS (a CoreDNS Deployment and the kube-dns Service on the clusterDNS IP).
// CoreDNS runs in the node's host network: the API server listens on loopback only, which
// a pod's own network cannot reach, so it serves on the bridge address (the node's IP).
import { stringify } from "yaml";
import { CLUSTER_DOMAIN } from "../layout.js";
import { COREDNS_IMAGE } from "./images.js";
import type { NodePlan } from "./plan.js";
import { CLUSTER_DNS_IP, REAL_NODE_LABEL } from "./plan.js";

export const DNS_NAMESPACE = "kube-system";
const HEALTH_PORT = 18080;
const READY_PORT = 18181;
const KUBECONFIG_IN_POD = "/etc/coredns/kubeconfig";

/** The toleration and selector a pod needs to run on the real node. */
export const realNodePlacement = {
  nodeSelector: { [REAL_NODE_LABEL]: "true" },
  tolerations: [{ key: REAL_NODE_LABEL, operator: "Exists", effect: "NoSchedule" }],
};

/** The operator settings that put serving and router pods where `realNodePlacement` does. */
export const realNodeServingSettings = {
  KUBETUNE_SERVING_NODE_SELECTOR: `${REAL_NODE_LABEL}=true`,
  KUBETUNE_SERVING_TOLERATIONS: `${REAL_NODE_LABEL}:NoSchedule`,
};

export function corefile(plan: NodePlan, context: string): string {
  return `.:53 {
    bind ${plan.gateway}
    errors
    health ${plan.gateway}:${HEALTH_PORT}
    ready ${plan.gateway}:${READY_PORT}
    kubernetes ${CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {
        kubeconfig ${KUBECONFIG_IN_POD} ${context}
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 30
}
`;
}

function rbac(plan: NodePlan): object[] {
  return [
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "kubetune:real-node-kubelet" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:node" },
      subjects: [
        {
          apiGroup: "rbac.authorization.k8s.io",
          kind: "User",
          name: `system:node:${plan.nodeName}`,
        },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "kubetune:coredns" },
      rules: [
        {
          apiGroups: [""],
          resources: ["services", "pods", "namespaces"],
          verbs: ["list", "watch"],
        },
        {
          apiGroups: ["discovery.k8s.io"],
          resources: ["endpointslices"],
          verbs: ["list", "watch"],
        },
      ],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: "kubetune:coredns" },
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "ClusterRole",
        name: "kubetune:coredns",
      },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "kubetune:coredns" }],
    },
  ];
}

const labels = { "k8s-app": "kube-dns", "app.kubernetes.io/name": "coredns" };

function dnsDeployment(plan: NodePlan): object {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "coredns", namespace: DNS_NAMESPACE, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          ...realNodePlacement,
          hostNetwork: true,
          dnsPolicy: "Default",
          containers: [
            {
              name: "coredns",
              image: COREDNS_IMAGE,
              imagePullPolicy: "Never",
              args: ["-conf", "/etc/coredns/Corefile"],
              readinessProbe: {
                httpGet: { host: plan.gateway, path: "/ready", port: READY_PORT },
                periodSeconds: 1,
              },
              volumeMounts: [{ name: "config", mountPath: "/etc/coredns", readOnly: true }],
            },
          ],
          volumes: [{ name: "config", secret: { secretName: "coredns" } }],
        },
      },
    },
  };
}

export function nodeManifests(plan: NodePlan, context: string, kubeconfig: string): string {
  const dnsPorts = ["UDP", "TCP"].map((protocol) => ({
    name: `dns-${protocol.toLowerCase()}`,
    protocol,
    port: 53,
    targetPort: 53,
  }));
  const objects = [
    ...rbac(plan),
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "coredns", namespace: DNS_NAMESPACE },
      stringData: { Corefile: corefile(plan, context), kubeconfig },
    },
    dnsDeployment(plan),
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "kube-dns", namespace: DNS_NAMESPACE, labels },
      spec: { clusterIP: CLUSTER_DNS_IP, selector: labels, ports: dnsPorts },
    },
  ];
  return objects.map((object) => stringify(object)).join("---\n");
}
