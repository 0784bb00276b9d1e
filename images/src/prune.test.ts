import { describe, expect, it } from "vitest";
import { leftOut } from "./prune.js";

describe("leftOut", () => {
  it.each([
    {
      path: "node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1",
      want: false,
    },
    {
      path: "node_modules/onnxruntime-node/bin/napi-v6/linux/arm64/libonnxruntime.so.1",
      want: true,
    },
    { path: "node_modules/onnxruntime-node/bin/napi-v6/win32/x64/onnxruntime.dll", want: true },
    { path: "node_modules/onnxruntime-node/dist/index.js", want: false },
    { path: "node_modules/tokenizers/tokenizers.linux-x64-gnu.node", want: false },
    { path: "node_modules/tokenizers/tokenizers.linux-x64-musl.node", want: true },
    { path: "node_modules/tokenizers/tokenizers.darwin-arm64.node", want: true },
    { path: "node_modules/tokenizers/index.js", want: false },
    { path: "node_modules/node-llama-cpp/llama/gitRelease.bundle", want: true },
    { path: "node_modules/node-llama-cpp/llama/binariesGithubRelease.json", want: false },
    { path: "node_modules/chalk/index.d.ts", want: true },
    { path: "node_modules/node-llama-cpp/dist/index.js.map", want: true },
  ])("when the file is $path, left out: $want", ({ path, want }) => {
    expect(leftOut(path)).toBe(want);
  });
});
