import { describe, expect, it } from "vitest";
import { dockerManifest } from "./import.js";

const manifest = JSON.stringify({
  config: { digest: "sha256:c0" },
  layers: [{ digest: "sha256:l1" }, { digest: "sha256:l2" }],
});

describe("dockerManifest", () => {
  it("when the OCI index names an image in full, lists it with its config and layers", () => {
    const index = {
      manifests: [
        {
          digest: "sha256:m1",
          annotations: { "org.opencontainers.image.ref.name": "kubetune/encoder:0.1.0" },
        },
      ],
    };

    expect(dockerManifest(index, () => manifest)).toEqual([
      {
        Config: "blobs/sha256/c0",
        RepoTags: ["kubetune/encoder:0.1.0"],
        Layers: ["blobs/sha256/l1", "blobs/sha256/l2"],
      },
    ]);
  });

  it("when the index names an image by tag only, says how to name it", () => {
    const index = {
      manifests: [
        { digest: "sha256:m1", annotations: { "org.opencontainers.image.ref.name": "0.1.0" } },
      ],
    };

    expect(() => dockerManifest(index, () => manifest)).toThrow(/name it in full/);
  });

  it("when the image is a multi-platform index, takes the linux/amd64 image", () => {
    const nested = JSON.stringify({
      manifests: [
        { digest: "sha256:arm", platform: { os: "linux", architecture: "arm64" } },
        { digest: "sha256:amd", platform: { os: "linux", architecture: "amd64" } },
      ],
    });
    const index = {
      manifests: [
        {
          mediaType: "application/vnd.oci.image.index.v1+json",
          digest: "sha256:idx",
          annotations: { "org.opencontainers.image.ref.name": "kubetune/llm:0.1.0" },
        },
      ],
    };
    const blobs: Record<string, string> = {
      "blobs/sha256/idx": nested,
      "blobs/sha256/amd": manifest,
    };

    expect(dockerManifest(index, (path) => blobs[path] ?? "{}")[0]?.Config).toBe("blobs/sha256/c0");
  });
});
