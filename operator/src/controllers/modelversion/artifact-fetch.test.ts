import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { fetchOutcome } from "./artifact-fetch.js";

function pod(exitCode: number | undefined, message?: string, last = false): V1Pod {
  const terminated = exitCode === undefined ? undefined : { exitCode, message };
  const status = { name: "fetch-artifact", ready: false, restartCount: 0, image: "i", imageID: "" };
  return {
    status: {
      initContainerStatuses: [
        last
          ? {
              ...status,
              state: { waiting: { reason: "CrashLoopBackOff" } },
              lastState: { terminated },
            }
          : { ...status, state: terminated ? { terminated } : { running: {} } },
      ],
    },
  } as V1Pod;
}

describe("fetchOutcome", () => {
  it.each([
    ["no pods", [], "pending"],
    ["a fetch still running", [pod(undefined)], "pending"],
    ["a fetch that exited 0", [pod(0)], "verified"],
    ["one pod verified beside one failing", [pod(0), pod(1)], "verified"],
    ["a fetch that exited 4", [pod(4, "sha256 abc != def")], "DigestMismatch"],
    ["a fetch that exited 3 (not fetched)", [pod(3, "HTTP 404")], "ArtifactUnreachable"],
    ["a fetch that exited 1 and now backs off", [pod(1, "HTTP 404", true)], "ArtifactUnreachable"],
  ])("when %s, reports %s", (_situation, pods, want) => {
    const outcome = fetchOutcome(pods);

    expect(outcome.state === "failed" ? outcome.reason : outcome.state).toBe(want);
  });

  it("when the digest does not match, quotes the fetch's own message", () => {
    const outcome = fetchOutcome([pod(4, "sha256 abc != def")]);

    expect(outcome).toMatchObject({ message: expect.stringContaining("sha256 abc != def") });
  });
});
