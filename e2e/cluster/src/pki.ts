// The local cluster's PKI: one CA, the API server's serving certificate, a client
// certificate per component, and the service-account signing key. Made in process with
// WebCrypto (ECDSA P-256) so no openssl or cfssl binary is needed.
// @peculiar/x509 resolves its ASN.1 serialisers through tsyringe, which needs this polyfill.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { REAL_NODE_NAME } from "./node/plan.js";

x509.cryptoProvider.set(webcrypto);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const VALIDITY_DAYS = 365;

export interface KeyPairPem {
  certificate: string;
  privateKey: string;
}

export interface ClusterPki {
  ca: KeyPairPem;
  apiServer: KeyPairPem;
  /** Client certificates by component; each subject is the identity RBAC sees. */
  clients: Record<ClientName, KeyPairPem>;
  serviceAccount: { publicKey: string; privateKey: string };
}

export type ClientName =
  | "admin"
  | "controller-manager"
  | "scheduler"
  | "kwok"
  | "kubelet"
  | "kube-proxy"
  | "coredns"
  | "apiserver-kubelet-client";

/** CN is the user, O the groups; the two system identities are bound by default RBAC roles. */
const CLIENT_SUBJECTS: Record<ClientName, string> = {
  admin: "CN=kubetune-admin, O=system:masters",
  "controller-manager": "CN=system:kube-controller-manager",
  scheduler: "CN=system:kube-scheduler",
  kwok: "CN=kwok-controller, O=system:masters",
  // The real node (node/): its kubelet is bound to the system:node role by name.
  kubelet: `CN=system:node:${REAL_NODE_NAME}, O=system:nodes`,
  "kube-proxy": "CN=system:kube-proxy",
  coredns: "CN=kubetune:coredns",
  // The API server's identity towards kubelets (logs, exec).
  "apiserver-kubelet-client": "CN=kube-apiserver-kubelet-client, O=system:masters",
};

/** Names the API server answers to: loopback, and the in-cluster Service's names and IP. */
export function apiServerNames(serviceIp: string) {
  return [
    { type: "dns" as const, value: "localhost" },
    { type: "dns" as const, value: "kubernetes" },
    { type: "dns" as const, value: "kubernetes.default" },
    { type: "dns" as const, value: "kubernetes.default.svc" },
    { type: "dns" as const, value: "kubernetes.default.svc.cluster.local" },
    { type: "ip" as const, value: "127.0.0.1" },
    { type: "ip" as const, value: serviceIp },
  ];
}

export async function createClusterPki(serviceIp: string): Promise<ClusterPki> {
  const caKeys = await generateKeys();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    name: "CN=kubetune-local-ca",
    keys: caKeys,
    ...validity(),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
    ],
  });
  const ca = { cert: caCert, keys: caKeys };
  const apiServer = await issue(
    ca,
    "CN=kube-apiserver",
    x509.ExtendedKeyUsage.serverAuth,
    apiServerNames(serviceIp),
  );
  const clients = {} as Record<ClientName, KeyPairPem>;
  for (const [name, subject] of Object.entries(CLIENT_SUBJECTS) as [ClientName, string][]) {
    clients[name] = await issue(ca, subject, x509.ExtendedKeyUsage.clientAuth);
  }
  const saKeys = await generateKeys();
  return {
    ca: { certificate: caCert.toString("pem"), privateKey: await privateKeyPem(caKeys) },
    apiServer,
    clients,
    serviceAccount: {
      publicKey: await publicKeyPem(saKeys),
      privateKey: await privateKeyPem(saKeys),
    },
  };
}

interface Authority {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

async function issue(
  ca: Authority,
  subject: string,
  usage: x509.ExtendedKeyUsage,
  names: { type: "dns" | "ip"; value: string }[] = [],
): Promise<KeyPairPem> {
  const keys = await generateKeys();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension([usage]),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names));
  const cert = await x509.X509CertificateGenerator.create({
    subject,
    issuer: ca.cert.subject,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: ALGORITHM,
    ...validity(),
    extensions,
  });
  return { certificate: cert.toString("pem"), privateKey: await privateKeyPem(keys) };
}

function validity() {
  const notBefore = new Date(Date.now() - 60_000); // tolerate small clock skew between processes
  const notAfter = new Date(notBefore.getTime() + VALIDITY_DAYS * 86_400_000);
  return { notBefore, notAfter, serialNumber: webcrypto.randomUUID().replaceAll("-", "") };
}

async function generateKeys(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALGORITHM, true, ["sign", "verify"]);
}

async function privateKeyPem(keys: CryptoKeyPair): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

async function publicKeyPem(keys: CryptoKeyPair): Promise<string> {
  const der = await webcrypto.subtle.exportKey("spki", keys.publicKey);
  return x509.PemConverter.encode(der, "PUBLIC KEY");
}
