import type { FineTuneJob, ModelVersion } from "@kubetune/api";
import { describe, expect, it } from "vitest";
import { makeFineTuneJob } from "../../../test/builders/finetunejob.js";
import { VersionLedger, nextVersion } from "./version.js";

function modelVersion(model: string, version: string): ModelVersion {
  return { spec: { model, version } } as ModelVersion;
}

describe("nextVersion", () => {
  it.each([
    ["no versions", [], [], "v1"],
    ["v1 and v3 registered", ["v1", "v3"], [], "v4"],
    ["v2 reserved by a run", ["v1"], ["v2"], "v3"],
    ["only unnumbered versions", ["stable", "v-next"], [], "v1"],
  ])("when the model has %s, chooses %s", (_case, registered, reserved, expected) => {
    const versions = registered.map((v) => modelVersion("m", v));

    expect(nextVersion("m", versions, [], reserved)).toBe(expected);
  });

  it("when another model has higher versions, ignores them", () => {
    expect(nextVersion("m", [modelVersion("other", "v9")], [])).toBe("v1");
  });
});

describe("VersionLedger", () => {
  const run = (name: string, model = "m"): FineTuneJob =>
    makeFineTuneJob(name).spec({ model }).obj();

  it("when runs of one model reserve before the cache shows any, gives each its own version", () => {
    const ledger = new VersionLedger();

    const versions = ["a", "b", "c"].map((name) => ledger.reserve(run(name), [], []));

    expect(versions).toEqual(["v1", "v2", "v3"]);
  });

  it("when the same run reserves again, returns its first version", () => {
    const ledger = new VersionLedger();
    const a = run("a");

    ledger.reserve(a, [], []);

    expect(ledger.reserve(a, [], [])).toBe("v1");
  });

  it("when runs of different models reserve, numbers each model on its own", () => {
    const ledger = new VersionLedger();

    ledger.reserve(run("a", "m"), [], []);

    expect(ledger.reserve(run("b", "n"), [], [])).toBe("v1");
  });

  it("when the cache shows a run's recorded version, drops its entry and still counts the version", () => {
    const ledger = new VersionLedger();
    const a = run("a");
    ledger.reserve(a, [], []);
    const shown = { ...a, status: { version: "v1" } } as FineTuneJob;

    const next = ledger.reserve(run("b"), [], [shown]);

    expect(next).toBe("v2");
    expect(ledger.size).toBe(1);
  });
});
