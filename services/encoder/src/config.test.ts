import { describe, expect, it } from "vitest";
import { parseConfig } from "./config.js";

describe("parseConfig", () => {
  it("when only --model is given, uses defaults suited to a 2-core pod and names the model after its folder", () => {
    const config = parseConfig(["--model", "/models/arxiv-classifier/"]);

    expect(config).toMatchObject({
      model: "/models/arxiv-classifier/",
      name: "arxiv-classifier",
      version: "1",
      host: "127.0.0.1",
      threads: 1,
      maxBatchSize: 8,
      maxBatchTokens: 4096,
      windowTokens: 512,
      overlap: 0.25,
      aggregation: "vote",
      requireModel: false,
    });
    expect(config.digest).toBeUndefined();
  });

  it("when a flag and its environment variable are both set, the flag wins over the variable", () => {
    const env = { KUBETUNE_ENCODER_THREADS: "2", KUBETUNE_ENCODER_MAX_BATCH_SIZE: "16" };

    const config = parseConfig(["--model", "m", "--threads", "1", "--require-model"], env);

    expect(config.threads).toBe(1);
    expect(config.maxBatchSize).toBe(16);
    expect(config.requireModel).toBe(true);
  });

  it.each([
    { argv: [], wantError: /--model is required/ },
    {
      argv: ["--model", "m", "--aggregation", "max"],
      wantError: /--aggregation must be vote or mean/,
    },
    { argv: ["--model", "m", "--threads", "1.5"], wantError: /--threads must be an integer/ },
    {
      argv: ["--model", "m", "--overlap", "0.95"],
      wantError: /--overlap must be a number in \[0, 0.9\]/,
    },
    {
      argv: ["--model", "m", "--max-documents", "1000"],
      wantError: /--max-documents must be an integer in \[1, 256\]/,
    },
    { argv: ["--model", "m", "--digest", "md5:abc"], wantError: /digest must be sha256:/ },
    { argv: ["--model", "m", "--bogus"], wantError: /Unknown option '--bogus'/ },
  ])("when given $argv, refuses to start naming the problem", ({ argv, wantError }) => {
    expect(() => parseConfig(argv)).toThrow(wantError);
  });
});
