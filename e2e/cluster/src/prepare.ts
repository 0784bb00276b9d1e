// Writes a new cluster directory: PKI, kubeconfigs, the KWOK configuration and the
// simulated nodes, before any process starts.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { stringify } from "yaml";
import { renderKubeconfig } from "./kubeconfig.js";
import type { ClusterFiles } from "./layout.js";
import { KUBERNETES_SERVICE_IP } from "./layout.js";
import type { NodeLayout } from "./nodes.js";
import { nodeObjects } from "./nodes.js";
import type { ClientName } from "./pki.js";
import { createClusterPki } from "./pki.js";

const CLIENTS: ClientName[] = [
  "admin",
  "controller-manager",
  "scheduler",
  "kwok",
  "kubelet",
  "kube-proxy",
  "coredns",
];

export interface PrepareInput {
  files: ClusterFiles;
  server: string;
  contextName: string;
  kwokConfig: string;
  layout: NodeLayout;
}

export async function prepareClusterDir(input: PrepareInput): Promise<{ nodesFile: string }> {
  const { files } = input;
  for (const dir of [files.dir, files.pki, files.logs, files.etcdData])
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pki = await createClusterPki(KUBERNETES_SERVICE_IP);
  const secret = { mode: 0o600 };
  writeFileSync(files.caCert, pki.ca.certificate);
  writeFileSync(files.caKey, pki.ca.privateKey, secret);
  writeFileSync(files.apiServerCert, pki.apiServer.certificate);
  writeFileSync(files.apiServerKey, pki.apiServer.privateKey, secret);
  writeFileSync(files.serviceAccountKey, pki.serviceAccount.privateKey, secret);
  writeFileSync(files.serviceAccountPub, pki.serviceAccount.publicKey);
  writeFileSync(files.kubeletClientCert, pki.clients["apiserver-kubelet-client"].certificate);
  writeFileSync(files.kubeletClientKey, pki.clients["apiserver-kubelet-client"].privateKey, secret);
  for (const client of CLIENTS) {
    const kubeconfig = renderKubeconfig({
      server: input.server,
      caCertificate: pki.ca.certificate,
      clientCertificate: pki.clients[client].certificate,
      clientKey: pki.clients[client].privateKey,
      user: client,
      contextName: input.contextName,
    });
    writeFileSync(files.kubeconfig(client), kubeconfig, secret);
  }
  copyFileSync(input.kwokConfig, files.kwokConfig);
  const nodesFile = `${files.dir}/nodes.yaml`;
  writeFileSync(
    nodesFile,
    nodeObjects(input.layout)
      .map((node) => stringify(node))
      .join("---\n"),
  );
  return { nodesFile };
}
