import { describe, expect, it } from "vitest";
import { resolveArtifact } from "./artifact-server.js";

describe("resolveArtifact", () => {
  it("when the path names a file under the root, resolves it there", () => {
    expect(resolveArtifact("/models", "/abc/single/model.onnx")).toEqual({
      file: "/models/abc/single/model.onnx",
    });
  });

  it.each(["/../etc/passwd", "/abc/%2e%2e/%2e%2e/etc/passwd"])(
    "when the path %s climbs above the root, stays inside the root",
    (path) => {
      expect(resolveArtifact("/models", path)).toEqual({ file: "/models/etc/passwd" });
    },
  );

  it.each([
    ["/abc/.complete", 404],
    ["/", 404],
    ["/%E0%A4%A", 400],
  ])("when the path is %s, answers %i", (path, status) => {
    expect(resolveArtifact("/models", path)).toMatchObject({ status });
  });
});
