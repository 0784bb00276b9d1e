import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  cniConflist,
  containerdConfig,
  kubeProxyConfig,
  kubeletConfig,
  resolvConf,
} from "./config.js";
import { nodePlan } from "./plan.js";

const plan = nodePlan("test", "/state/test");
const ports = { kubelet: 1, kubeletHealthz: 2, kubeProxyHealthz: 3, kubeProxyMetrics: 4 };

describe("containerd configuration", () => {
  it("when rendered, keeps root, state, socket and runc state under the cluster directory", () => {
    const toml = containerdConfig(plan);

    for (const key of ["root", "state", "address", "Root"])
      expect(toml).toMatch(new RegExp(`\\n\\s*${key} = "/state/test/node/`));
  });

  it("when rendered, uses our sandbox image, cgroupfs, clamped OOM scores and no registry settings", () => {
    const toml = containerdConfig(plan);

    expect(toml).toContain('sandbox_image = "kubetune/pause:0.1.0"');
    expect(toml).toContain("SystemdCgroup = false");
    expect(toml).toContain("restrict_oom_score_adj = true");
    expect(toml).not.toMatch(/registry|mirror/);
  });
});

describe("CNI network", () => {
  it("when rendered, is a masquerading bridge on the plan's CIDR with IPAM state in the cluster directory", () => {
    const conf = JSON.parse(cniConflist(plan)) as {
      plugins: { type: string; bridge?: string; ipMasq?: boolean; ipam?: { dataDir: string } }[];
    };

    expect(conf.plugins.map((p) => p.type)).toEqual(["bridge", "portmap"]);
    expect(conf.plugins[0]).toMatchObject({ bridge: plan.bridge, ipMasq: true });
    expect(conf.plugins[0]?.ipam?.dataDir).toBe(plan.dirs.cniData);
  });
});

describe("kubelet and kube-proxy configuration", () => {
  it("when rendered, listen only on loopback or the node's bridge address", () => {
    const kubelet = parse(kubeletConfig(plan, ports, "/ca.crt")) as Record<string, unknown>;
    const proxy = parse(kubeProxyConfig(plan, ports, "/kp")) as Record<string, unknown>;

    expect([kubelet.address, kubelet.healthzBindAddress]).toEqual([plan.gateway, "127.0.0.1"]);
    expect(kubelet.readOnlyPort).toBe(0);
    expect([proxy.bindAddress, proxy.healthzBindAddress, proxy.metricsBindAddress]).toEqual([
      "127.0.0.1",
      "127.0.0.1:3",
      "127.0.0.1:4",
    ]);
  });

  it("when rendered, taints the node so only pods that tolerate it land there", () => {
    const kubelet = parse(kubeletConfig(plan, ports, "/ca.crt")) as {
      registerWithTaints: { key: string; effect: string }[];
    };

    expect(kubelet.registerWithTaints).toEqual([
      { key: "kubetune.io/real-node", value: "true", effect: "NoSchedule" },
    ]);
  });
});

describe("resolvConf", () => {
  it("when the host lists name servers and a search path, keeps only the name servers", () => {
    expect(resolvConf("search corp.example\nnameserver 10.0.0.2\n")).toBe("nameserver 10.0.0.2\n");
  });
});
