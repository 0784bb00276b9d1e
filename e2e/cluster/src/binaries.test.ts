import { describe, expect, it } from "vitest";
import { parseBinaryPaths } from "./binaries.js";

const output = [
  "KUBETUNE_ETCD=/cache/etcd-v3.5.35/etcd",
  "KUBETUNE_KUBE_APISERVER=/cache/k8s/kube-apiserver",
  "KUBETUNE_KUBE_CONTROLLER_MANAGER=/cache/k8s/kube-controller-manager",
  "KUBETUNE_KUBE_SCHEDULER=/cache/k8s/kube-scheduler",
  "KUBETUNE_KUBECTL=/cache/k8s/kubectl",
  "KUBETUNE_KWOK=/cache/kwok/kwok",
].join("\n");

describe("parseBinaryPaths", () => {
  it("when the build script reports every binary, maps each component to its path", () => {
    expect(parseBinaryPaths(output)).toMatchObject({
      etcd: "/cache/etcd-v3.5.35/etcd",
      "kube-apiserver": "/cache/k8s/kube-apiserver",
    });
  });

  it("when a binary is missing from the report, names it", () => {
    const withoutKwok = output.split("\n").slice(0, -1).join("\n");

    expect(() => parseBinaryPaths(withoutKwok)).toThrow("did not report: kwok");
  });
});
