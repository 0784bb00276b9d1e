// The four Dockerfiles are hand-written for readers; these checks keep the properties the
// build relies on: one shared install layer, dependencies before sources, a non-root user.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMPONENTS, COMPONENT_SPECS } from "./components.js";
import { REPO_ROOT } from "./paths.js";

const dockerfiles = COMPONENTS.map((component) => {
  const text = readFileSync(join(REPO_ROOT, COMPONENT_SPECS[component].dir, "Dockerfile"), "utf8");
  // Instructions only, continuation lines joined, comments dropped.
  const instructions = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  return { component, instructions };
});

const installIndex = (instructions: string[]) =>
  instructions.findIndex((i) => i.includes("npm ci"));

describe("the Dockerfiles", () => {
  it("when built one after another, share every step up to the workspace install", () => {
    const prefixes = dockerfiles.map(({ instructions }) =>
      instructions.slice(0, installIndex(instructions) + 1).join("\n"),
    );

    expect(new Set(prefixes).size).toBe(1);
    expect(prefixes[0]).toMatch(
      /^ARG BASE_IMAGE=node:20-bookworm-slim\nFROM \$\{BASE_IMAGE\} AS build/,
    );
  });

  it.each(dockerfiles)(
    "$component: copies sources only after the dependency steps",
    ({ component, instructions }) => {
      const deps = instructions.findIndex((i) => i.includes(`stage.ts deps ${component}`));
      const firstSource = instructions.findIndex(
        (i) => /^COPY \S+\/src /.test(i) && !i.startsWith("COPY images/src"),
      );
      const bundle = instructions.findIndex((i) => i.includes(`stage.ts bundle ${component}`));

      expect(installIndex(instructions)).toBeLessThan(deps);
      expect(deps).toBeLessThan(firstSource);
      expect(firstSource).toBeLessThan(bundle);
    },
  );

  it.each(dockerfiles)(
    "$component: runs as a numeric non-root user and exposes its port",
    ({ component, instructions }) => {
      expect(instructions).toContain("USER 10001:10001");
      expect(instructions).toContain(`EXPOSE ${COMPONENT_SPECS[component].port}`);
      expect(instructions.filter((i) => i.startsWith("FROM "))).toEqual([
        "FROM ${BASE_IMAGE} AS build",
        "FROM ${BASE_IMAGE}",
      ]);
    },
  );
});
