import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createClusterPki } from "./pki.js";

const pki = await createClusterPki("10.96.0.1");
const ca = new X509Certificate(pki.ca.certificate);

describe("createClusterPki", () => {
  it("when made, has a CA that signed the API server's serving certificate for loopback and the Service names", () => {
    const server = new X509Certificate(pki.apiServer.certificate);

    expect(ca.ca).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(server.checkIP("10.96.0.1")).toBe("10.96.0.1");
    expect(server.checkHost("kubernetes.default.svc")).toBe("kubernetes.default.svc");
    expect(server.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]);
  });

  it("when made, gives the admin client certificate the system:masters group", () => {
    const admin = new X509Certificate(pki.clients.admin.certificate);

    expect(admin.verify(ca.publicKey)).toBe(true);
    expect(admin.subject).toContain("O=system:masters");
    expect(admin.keyUsage).toEqual(["1.3.6.1.5.5.7.3.2"]);
  });

  it("when made, pairs each certificate with its own private key", () => {
    const server = new X509Certificate(pki.apiServer.certificate);

    expect(server.checkPrivateKey(createPrivateKey(pki.apiServer.privateKey))).toBe(true);
    expect(server.checkPrivateKey(createPrivateKey(pki.clients.admin.privateKey))).toBe(false);
  });

  it("when made, has a service-account key pair whose halves match", () => {
    const fromPrivate = createPublicKey(createPrivateKey(pki.serviceAccount.privateKey));

    expect(fromPrivate.equals(createPublicKey(pki.serviceAccount.publicKey))).toBe(true);
  });
});
