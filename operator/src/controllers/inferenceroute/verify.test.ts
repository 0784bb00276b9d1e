import { describe, expect, it } from "vitest";
import { verifyRetryMs } from "./status.js";
import { appliedForCallers, generationInRoutes, lowestGeneration } from "./verify.js";

describe("generationInRoutes", () => {
  it.each([
    ["the router's /v1/routes answer", '{"path":"/etc/t.json","generation":7,"table":{}}', 7],
    ["a router without a table", '{"path":"/etc/t.json","lastError":"no file"}', undefined],
    ["something that is not JSON", "<html>", undefined],
  ])("when given %s, reads %s", (_s, body, want) => {
    expect(generationInRoutes(body)).toBe(want);
  });
});

describe("lowestGeneration", () => {
  it("when every router answered, the route is applied up to the lowest generation", () => {
    expect(lowestGeneration([4, 3, 4])).toEqual({ generation: 3 });
  });

  it("when one router could not be asked, says which", () => {
    expect(lowestGeneration([4, "router pod b did not answer"])).toEqual({
      error: "router pod b did not answer",
    });
  });

  it("when there is no ready router, says so", () => {
    expect(lowestGeneration([])).toEqual({ error: "no router pod is running" });
  });
});

describe("verifyRetryMs", () => {
  const status = (since: string) => ({
    conditions: [
      {
        type: "WeightsApplied",
        status: "False" as const,
        reason: "RouterUnreachable",
        message: "",
        lastTransitionTime: since,
      },
    ],
  });
  const now = new Date("2026-11-22T03:10:00.000Z");

  it.each([
    ["just now", "2026-11-22T03:10:00.000Z", 2000],
    ["20 s ago", "2026-11-22T03:09:40.000Z", 5000],
    ["ten minutes ago", "2026-11-22T03:00:00.000Z", 30_000],
  ])("when the table has been unconfirmed since %s, asks again after %i ms", (_s, since, want) => {
    expect(verifyRetryMs(status(since), now)).toBe(want);
  });
});

describe("appliedForCallers", () => {
  it("when every router took the table but one pod is not Ready yet, the table is not applied for callers", () => {
    expect(appliedForCallers([3, 3], "arxiv-router-b")).toEqual({
      error:
        "router pod arxiv-router-b serves generation 3 but is not Ready yet, so its Service does not send it traffic",
    });
    expect(appliedForCallers([3, 3], undefined)).toEqual({ generation: 3 });
    expect(appliedForCallers([3, "router pod x did not answer"], "x")).toEqual({
      error: "router pod x did not answer",
    });
  });
});
