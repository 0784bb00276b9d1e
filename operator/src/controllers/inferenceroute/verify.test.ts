import { describe, expect, it } from "vitest";
import { generationInRoutes, lowestGeneration } from "./verify.js";

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
    expect(lowestGeneration([])).toEqual({ error: "no router pod is ready" });
  });
});
