import { describe, expect, it } from "vitest";
import { importArgs, parseImagesArgs } from "./args.js";

describe("parseImagesArgs", () => {
  it.each([
    { argv: [], want: ["operator", "encoder", "llm", "router"] },
    { argv: ["router"], want: ["router"] },
    { argv: ["router,encoder", "encoder"], want: ["encoder", "router"] },
  ])("when given $argv, builds $want in a fixed order", ({ argv, want }) => {
    expect(parseImagesArgs(argv).components).toEqual(want);
  });

  it("when --import and --name are given, imports into that cluster", () => {
    const options = parseImagesArgs(["--import", "--name", "images", "llm"]);

    expect(options).toEqual({
      components: ["llm"],
      import: true,
      cluster: "images",
      noCache: false,
      baseOnly: false,
    });
  });

  it("when --base-only is given, builds no component", () => {
    expect(parseImagesArgs(["--base-only"]).components).toEqual([]);
  });

  it.each([
    { argv: ["trainer"], error: /unknown component trainer/ },
    { argv: ["--name", "x"], error: /--name needs --import/ },
    { argv: ["--push"], error: /Unknown option/ },
  ])("when given $argv, rejects them", ({ argv, error }) => {
    expect(() => parseImagesArgs(argv)).toThrow(error);
  });
});

describe("importArgs", () => {
  it("when a cluster is named, passes it before the archives", () => {
    expect(importArgs("images", ["/a.tar", "/b.tar"])).toEqual([
      "run",
      "--silent",
      "cluster:import",
      "--",
      "--name",
      "images",
      "/a.tar",
      "/b.tar",
    ]);
  });

  it("when no cluster is named, passes only the archives", () => {
    expect(importArgs(undefined, ["/a.tar"])).toEqual([
      "run",
      "--silent",
      "cluster:import",
      "--",
      "/a.tar",
    ]);
  });
});
