import { describe, expect, it } from "vitest";
import { iptablesUndo, normaliseIptablesSave, parseMountPoints } from "./host.js";

const before = [
  "*nat",
  ":PREROUTING ACCEPT",
  ":POSTROUTING ACCEPT",
  ":OTHER - ",
  "-A POSTROUTING -j OTHER",
];

describe("iptablesUndo", () => {
  it("when nothing changed, has nothing to do", () => {
    expect(iptablesUndo(before, before, "kubetune-abc")).toBe("");
  });

  it("when the node added chains and rules, removes exactly those and leaves the rest", () => {
    const after = [
      ...before,
      ":KUBE-SERVICES - ",
      ":CNI-1234 - ",
      ":SOMEONE-ELSE - ",
      '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-A POSTROUTING -s 10.244.1.5/32 -m comment --comment "name: \\"kubetune-abc\\" id: \\"x\\"" -j CNI-1234',
      "-A POSTROUTING -j SOMEONE-ELSE",
      "-A KUBE-SERVICES -j RETURN",
    ];

    const script = iptablesUndo(before, after, "kubetune-abc");

    expect(script.split("\n")).toEqual([
      "*nat",
      '-D PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
      '-D POSTROUTING -s 10.244.1.5/32 -m comment --comment "name: \\"kubetune-abc\\" id: \\"x\\"" -j CNI-1234',
      "-F KUBE-SERVICES",
      "-F CNI-1234",
      "-X KUBE-SERVICES",
      "-X CNI-1234",
      "COMMIT",
      "",
    ]);
  });
});

describe("host snapshot parsing", () => {
  it("when iptables-save prints counters and comments, drops them so two runs compare", () => {
    expect(normaliseIptablesSave("# Generated\n*filter\n:INPUT ACCEPT [12:345]\nCOMMIT\n")).toEqual(
      ["*filter", ":INPUT ACCEPT"],
    );
  });

  it("when a mount point has an escaped space, returns the real path", () => {
    const line = "36 35 0:32 / /state/a\\040b rw,relatime shared:1 - tmpfs tmpfs rw";

    expect(parseMountPoints(line)).toEqual(["/state/a b"]);
  });
});
