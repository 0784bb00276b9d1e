import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAdapterArg, parseConfig } from "./config.js";

describe("service configuration", () => {
  it.each([
    ["a.gguf", { name: "a", uri: "a.gguf", scale: 1 }],
    ["style=/models/x.gguf", { name: "style", uri: "/models/x.gguf", scale: 1 }],
    ["style=/models/x.gguf@0.5", { name: "style", uri: "/models/x.gguf", scale: 0.5 }],
    ["file:///m/lora.gguf@2", { name: "lora", uri: "file:///m/lora.gguf", scale: 2 }],
  ])("when --adapter is %s, reads name, file and scale", (raw, want) => {
    expect(parseAdapterArg(raw)).toEqual(want);
  });

  it("when an adapter scale is out of range, refuses it", () => {
    expect(() => parseAdapterArg("a.gguf@9")).toThrow(/scale/);
  });

  it("when the model has a JSON file beside it, takes its name, labels and prompt; flags win", () => {
    const dir = mkdtempSync(join(tmpdir(), "llm-config-"));
    const model = join(dir, "m.gguf");
    writeFileSync(
      join(dir, "m.json"),
      JSON.stringify({
        name: "arxiv",
        labels: ["a", "b"],
        problemType: "multi-label",
        prompt: "{text}?",
      }),
    );

    const fromFile = parseConfig(["--model", model]);
    const fromFlags = parseConfig([
      "--model",
      model,
      "--labels",
      "x, y",
      "--port",
      "0",
      "--threads",
      "2",
    ]);

    expect(fromFile).toMatchObject({
      name: "arxiv",
      labels: { labels: ["a", "b"], multiLabel: true, prompt: "{text}?" },
    });
    expect(fromFlags).toMatchObject({
      labels: { labels: ["x", "y"] },
      port: 0,
      threads: 2,
      host: "127.0.0.1",
    });
  });

  it("when no labels are configured, the model serves no classify label set", () => {
    expect(parseConfig(["--model", "/nowhere/m.gguf"]).labels).toBeUndefined();
  });

  it.each([
    [[], /--model/],
    [["--model", "m.gguf", "--threads", "0"], /--threads/],
    [["--model", "m.gguf", "--labels", "a,a"], /distinct/],
    [["--model", "m.gguf", "--bogus"], /bogus/],
  ])("when the command line is %j, refuses it", (argv, want) => {
    expect(() => parseConfig(argv)).toThrow(want);
  });
});
