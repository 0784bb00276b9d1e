// The dependency facts measured on our machines (DESIGN.md), enforced on the lockfile,
// so an innocent `npm install` cannot bring back a version known to break here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

interface LockPackage {
  version?: string;
  hasInstallScript?: boolean;
}
interface PackageJson {
  engines?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

const root = join(import.meta.dirname, "..");
const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
  packages: Record<string, LockPackage>;
};
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageJson;

/** Every installed version of a package, wherever npm placed it. */
function installedVersions(name: string): string[] {
  return Object.entries(lock.packages)
    .filter(([path]) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`))
    .map(([, pkg]) => pkg.version ?? "");
}

const majorMinor = (version: string) =>
  version.split(".").slice(0, 2).map(Number) as [number, number];

describe("dependency policy", () => {
  it("when @kubernetes/client-node is installed, it is 1.x from 1.4 (2.x crashes on Node 20)", () => {
    for (const version of installedVersions("@kubernetes/client-node")) {
      const [major, minor] = majorMinor(version);
      expect({ version, ok: major === 1 && minor >= 4 }).toEqual({ version, ok: true });
    }
  });

  it("when node-llama-cpp is installed, it is 3.21.1 (3.22 lists platform packages the registry lacks)", () => {
    for (const version of installedVersions("node-llama-cpp")) expect(version).toBe("3.21.1");
  });

  it("when undici is installed directly, it is 7.x (8.x requires Node 22)", () => {
    const direct = lock.packages["node_modules/undici"];
    expect(direct?.version?.split(".")[0]).toBe("7");
  });

  it("keeps typescript on 6.0 (7.x has no compiler API for typescript-eslint)", () => {
    expect(installedVersions("typescript").map(majorMinor)).toEqual([[6, 0]]);
  });

  it("keeps one @opentelemetry/api below 1.10, which the Node-20 SDK 2.x packages accept", () => {
    const versions = new Set(installedVersions("@opentelemetry/api"));

    expect([...versions].map(majorMinor)).toEqual([[1, 9]]);
    for (const version of installedVersions("@opentelemetry/sdk-trace"))
      expect(majorMinor(version)[0]).toBe(2);
  });

  it("never runs the install scripts that download from outside the npm registry", () => {
    expect(manifest.allowScripts?.["onnxruntime-node"]).toBe(false);
    expect(manifest.allowScripts?.["node-llama-cpp"]).toBe(false);
    expect(Object.values(manifest.allowScripts ?? {}).filter(Boolean)).toEqual([]);
  });

  it("records every platform binding of oxc-parser, so npm ci works from the lockfile", () => {
    const bindings = Object.keys(lock.packages).filter((path) =>
      path.includes("/@oxc-parser/binding-"),
    );
    const versions = new Set(bindings.map((path) => lock.packages[path]!.version));

    expect(bindings.length).toBeGreaterThan(10);
    expect([...versions]).toEqual(installedVersions("oxc-parser"));
  });

  it("keeps onnxruntime-node on exactly 1.30.0 (its CPU binaries ship in the package; a bump changes them)", () => {
    expect(installedVersions("onnxruntime-node")).toEqual(["1.30.0"]);
    expect(installedVersions("onnxruntime-common")).toEqual(["1.30.0"]);
  });

  it("keeps tokenizers (the native binding) at 0.23.2, which carries its binaries and runs no install script", () => {
    expect(installedVersions("tokenizers")).toEqual(["0.23.2"]);
    expect(lock.packages["node_modules/tokenizers"]?.hasInstallScript).toBeUndefined();
  });
  it("when the trainer's Python environment is built, every package in its lock is pinned exactly and the requirements agree", () => {
    const read = (file: string) =>
      readFileSync(join(root, "services", "trainer", file), "utf8")
        .split("\n")
        .filter((line) => line.trim() !== "" && !line.startsWith("#"));
    const locked = new Map(
      read("requirements.lock").map((line) => line.split("==") as [string, string]),
    );
    for (const [name, version] of locked)
      expect({ name, version }).toEqual({
        name,
        version: expect.stringMatching(/^\d[\w.]*$/) as string,
      });
    for (const line of read("requirements.txt")) {
      // "moto[server]==5.2.5": the lock names the package without its extras.
      const [name, version] = line.replace(/\[[a-z,-]+\]/, "").split("==");
      expect({ name, version: locked.get(name ?? "") }).toEqual({ name, version });
    }
  });
});
