import { describe, expect, it } from "vitest";
import { buildArgs, parseSize, pushArgs, storageFor } from "./buildah.js";
import { externalFilter } from "./bundle.js";
import { imageRef } from "./components.js";
import type { BuiltImage } from "./metadata.js";
import { mergeMetadata, sizeTable } from "./metadata.js";
import { imagePath } from "./stage.js";

const storage = storageFor("/cache/images", {});

describe("buildah arguments", () => {
  it("when no driver is set, keeps overlay storage under the cache", () => {
    expect(storage).toEqual({
      root: "/cache/images/storage",
      runroot: "/cache/images/run",
      driver: "overlay",
    });
    expect(storageFor("/c", { KUBETUNE_IMAGES_STORAGE_DRIVER: "vfs" }).driver).toBe("vfs");
  });

  it("when building, caches layers, never pulls, isolates RUN with chroot and passes build args sorted", () => {
    const args = buildArgs(storage, {
      dockerfile: "/repo/services/router/Dockerfile",
      context: "/repo",
      tag: "kubetune/router:0.1.0",
      buildArgs: { VERSION: "0.1.0", BASE_IMAGE: "kubetune/base:x" },
      secrets: { "npm-ca": "/etc/ca.crt" },
      noCache: false,
    });

    expect(args.join(" ")).toBe(
      "--root /cache/images/storage --runroot /cache/images/run --storage-driver overlay build --layers --isolation chroot --pull=never " +
        "--build-arg BASE_IMAGE=kubetune/base:x --build-arg VERSION=0.1.0 --secret id=npm-ca,src=/etc/ca.crt --file /repo/services/router/Dockerfile --tag kubetune/router:0.1.0 /repo",
    );
  });

  it("when --no-cache is asked for, passes it on", () => {
    const args = buildArgs(storage, {
      dockerfile: "D",
      context: ".",
      tag: "t",
      buildArgs: {},
      secrets: {},
      noCache: true,
    });

    expect(args).toContain("--no-cache");
  });

  it.each([
    { text: "202 MB", want: 202_000_000 },
    { text: "1.5 GB", want: 1_500_000_000 },
    { text: "812 kB", want: 812_000 },
  ])("when buildah prints $text, the size is $want bytes", ({ text, want }) => {
    expect(parseSize(text)).toBe(want);
  });

  it("when buildah prints something else, names it", () => {
    expect(() => parseSize("big")).toThrow(/unreadable size "big"/);
  });

  it("when pushing, writes an OCI archive whose index names the image", () => {
    expect(pushArgs(storage, "kubetune/llm:0.1.0", "/a/llm.tar").slice(-3)).toEqual([
      "--quiet",
      "kubetune/llm:0.1.0",
      "oci-archive:/a/llm.tar:kubetune/llm:0.1.0",
    ]);
  });
});

describe("bundle and staging helpers", () => {
  it.each([
    { path: "tokenizers", want: true },
    { path: "onnxruntime-node/dist/binding.js", want: true },
    { path: "onnxruntime-common", want: true },
    { path: "tokenizers-extra", want: false },
    { path: "express", want: false },
  ])("when $path is imported, it stays external: $want", ({ path, want }) => {
    expect(
      externalFilter(["onnxruntime-node", "onnxruntime-common", "tokenizers"])?.test(path),
    ).toBe(want);
  });

  it("when nothing is external, needs no filter", () => {
    expect(externalFilter([])).toBeUndefined();
  });

  it.each([
    { lockPath: "node_modules/tokenizers", want: "node_modules/tokenizers" },
    { lockPath: "services/llm/node_modules/chalk", want: "node_modules/chalk" },
    { lockPath: "node_modules/a/node_modules/b", want: "node_modules/a/node_modules/b" },
  ])("when the lockfile has $lockPath, the image has $want", ({ lockPath, want }) => {
    expect(imagePath(lockPath, "services/llm")).toBe(want);
  });

  it("names images kubetune/<component>:<version>", () => {
    expect(imageRef("encoder", "0.1.0")).toBe("kubetune/encoder:0.1.0");
  });

  it("when images were built, prints each size and the total time", () => {
    const table = sizeTable(
      [
        {
          component: "router",
          ref: "kubetune/router:0.1.0",
          archive: "/a/router.tar",
          bytes: 210_000_000,
          archiveBytes: 80_000_000,
          imageId: "abc",
          seconds: 12.34,
        },
      ],
      15,
    );

    expect(table).toMatch(/kubetune\/router:0\.1\.0\s+210 MB\s+80 MB\s+12\.3 s\s+\/a\/router\.tar/);
    expect(table).toMatch(/built 1 image\(s\) in 15\.0 s/);
  });
});

describe("mergeMetadata", () => {
  const image = (component: BuiltImage["component"], imageId: string): BuiltImage => ({
    component,
    ref: imageRef(component, "0.1.0"),
    archive: `/a/${component}.tar`,
    bytes: 1,
    archiveBytes: 1,
    seconds: 1,
    imageId,
  });

  it("when one image is rebuilt, replaces its entry and keeps the others in component order", () => {
    const previous = { base: "old", images: [image("router", "r1"), image("operator", "o1")] };

    const merged = mergeMetadata(previous, { base: "new", images: [image("router", "r2")] });

    expect(merged.base).toBe("new");
    expect(merged.images.map((i) => [i.component, i.imageId])).toEqual([
      ["operator", "o1"],
      ["router", "r2"],
    ]);
  });

  it("when there was no file yet, lists this run's images", () => {
    expect(
      mergeMetadata(undefined, { base: "b", images: [image("llm", "l")] }).images,
    ).toHaveLength(1);
  });
});
