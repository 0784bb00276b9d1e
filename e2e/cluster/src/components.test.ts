import { describe, expect, it } from "vitest";
import {
  apiServerArgs,
  controllerManagerArgs,
  etcdArgs,
  kwokArgs,
  schedulerArgs,
} from "./components.js";
import { clusterFiles } from "./layout.js";

const files = clusterFiles("/state/test");
const ports = {
  etcdClient: 2379,
  etcdPeer: 2380,
  apiServer: 6443,
  controllerManager: 10257,
  scheduler: 10259,
  kwok: 10247,
};
const all = [etcdArgs, apiServerArgs, controllerManagerArgs, schedulerArgs, kwokArgs].map((build) =>
  build(files, ports),
);

describe("component command lines", () => {
  it("when built, bind and advertise only on loopback", () => {
    // Listening and advertised addresses are followed by a port or end the flag; CIDRs are not addresses.
    const addresses = all.flat().flatMap((arg) => arg.match(/\d+\.\d+\.\d+\.\d+(?=:|$)/g) ?? []);

    expect(new Set(addresses)).toEqual(new Set(["127.0.0.1"]));
  });

  it("when built, run the API server with TLS, client certificates and RBAC", () => {
    expect(apiServerArgs(files, ports)).toEqual(
      expect.arrayContaining([
        "--authorization-mode=RBAC",
        `--client-ca-file=${files.caCert}`,
        `--tls-cert-file=${files.apiServerCert}`,
        `--service-account-signing-key-file=${files.serviceAccountKey}`,
      ]),
    );
  });

  it("when built, let KWOK manage only the nodes marked as simulated", () => {
    expect(kwokArgs(files, ports)).toEqual(
      expect.arrayContaining([
        "--manage-all-nodes=false",
        "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
      ]),
    );
  });
});
