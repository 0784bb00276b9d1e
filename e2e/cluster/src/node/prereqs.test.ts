import { describe, expect, it } from "vitest";
import { missingPrerequisites } from "./prereqs.js";

describe("missingPrerequisites", () => {
  it("when every command, CNI plugin and busybox exist, reports nothing", () => {
    expect(missingPrerequisites("/usr/bin", () => true)).toEqual([]);
  });

  it("when containerd and the bridge plugin are missing, names both", () => {
    const missing = missingPrerequisites(
      "/usr/bin",
      (path) => !path.endsWith("/containerd") && !path.endsWith("/bridge"),
    );

    expect(missing).toEqual(["containerd", "/usr/lib/cni/bridge (CNI plugin)"]);
  });
});
