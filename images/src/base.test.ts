import { describe, expect, it } from "vitest";
import { debianMirror } from "./apt-mirror.js";
import { BASE_INPUTS, baseKey, baseRef } from "./base.js";

describe("baseKey", () => {
  it("when the inputs are equal in another key order, the key is the same", () => {
    const reordered = {
      recipe: BASE_INPUTS.recipe,
      npm: BASE_INPUTS.npm,
      node: BASE_INPUTS.node,
      suite: BASE_INPUTS.suite,
    };

    expect(baseKey(reordered)).toBe(baseKey(BASE_INPUTS));
  });

  it.each([
    { change: { node: "20.20.1" } },
    { change: { npm: "11.19.0" } },
    { change: { suite: "trixie" } },
    { change: { recipe: BASE_INPUTS.recipe + 1 } },
  ])("when $change, the key and the tag change", ({ change }) => {
    const other = { ...BASE_INPUTS, ...change };

    expect(baseKey(other)).not.toBe(baseKey(BASE_INPUTS));
    expect(baseRef(other)).not.toBe(baseRef(BASE_INPUTS));
  });

  it("pins Node 20 and names it in the tag", () => {
    expect(BASE_INPUTS.node.split(".")[0]).toBe("20");
    expect(baseRef(BASE_INPUTS)).toMatch(/^kubetune\/base:node20\.\d+\.\d+-[0-9a-f]{16}$/);
  });
});

describe("debianMirror", () => {
  const deb822 = [
    "Types: deb",
    "URIs: http://mirror.example/debian",
    "Suites: bookworm bookworm-updates",
    "Components: main",
    "",
    "Types: deb",
    "URIs: http://mirror.example/debian-security",
    "Suites: bookworm-security",
  ].join("\n");

  it.each([
    {
      situation: "a deb822 source serves the suite",
      texts: [deb822],
      want: "http://mirror.example/debian",
    },
    {
      situation: "a one-line source with options serves it",
      texts: ["# comment\ndeb [arch=amd64] http://other.example/debian bookworm main\n"],
      want: "http://other.example/debian",
    },
    {
      situation: "only deb-src serves it",
      texts: ["deb-src http://src.example/debian bookworm main"],
      want: undefined,
    },
    {
      situation: "no source serves it",
      texts: [deb822.replaceAll("bookworm", "trixie")],
      want: undefined,
    },
  ])("when $situation, the mirror is $want", ({ texts, want }) => {
    expect(debianMirror(texts, "bookworm")).toBe(want);
  });
});
