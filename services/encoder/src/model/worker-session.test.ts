import { describe, expect, it } from "vitest";
import { workerEntry } from "./worker-session.js";

describe("workerEntry", () => {
  it.each([
    {
      situation: "run from TypeScript source",
      moduleUrl: "file:///repo/services/encoder/src/model/worker-session.ts",
      want: "file:///repo/services/encoder/src/model/session-worker.mjs",
    },
    {
      situation: "bundled into a chunk of the image's /app",
      moduleUrl: "file:///app/chunk-ABC123.js",
      want: "file:///app/session-worker.js",
    },
    {
      situation: "bundled, with a query string on the module URL",
      moduleUrl: "file:///app/main.js?v=1",
      want: "file:///app/session-worker.js",
    },
  ])("when $situation, starts $want", ({ moduleUrl, want }) => {
    expect(workerEntry(moduleUrl).href).toBe(want);
  });
});
