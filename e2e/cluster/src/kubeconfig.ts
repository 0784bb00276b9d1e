// Kubeconfig files for the cluster's clients, with certificates embedded so each file
// works on its own (kubectl, client-node, and the components themselves).
import { stringify } from "yaml";

export interface KubeconfigInput {
  server: string;
  caCertificate: string;
  clientCertificate: string;
  clientKey: string;
  user: string;
  contextName: string;
}

const b64 = (pem: string) => Buffer.from(pem).toString("base64");

export function renderKubeconfig(input: KubeconfigInput): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: input.contextName,
        cluster: { server: input.server, "certificate-authority-data": b64(input.caCertificate) },
      },
    ],
    users: [
      {
        name: input.user,
        user: {
          "client-certificate-data": b64(input.clientCertificate),
          "client-key-data": b64(input.clientKey),
        },
      },
    ],
    contexts: [
      { name: input.contextName, context: { cluster: input.contextName, user: input.user } },
    ],
    "current-context": input.contextName,
  });
}
