import { describe, expect, it } from "vitest";
import type { LockPackages } from "./closure.js";
import { dependencyClosure, fitsImage, packageName, resolveFrom } from "./closure.js";

const lock: LockPackages = {
  "": {},
  "services/encoder": { dependencies: { "native-a": "1.0.0" } },
  "node_modules/native-a": {
    dependencies: { shared: "^1", helper: "^2" },
    optionalDependencies: {
      "native-a-linux-x64": "1.0.0",
      "native-a-darwin-arm64": "1.0.0",
      "native-a-linux-x64-cuda": "1.0.0",
      "native-a-linux-arm64": "1.0.0",
      "native-a-missing": "1.0.0",
    },
    peerDependencies: { typescript: "*", "peer-needed": "*" },
    peerDependenciesMeta: { typescript: { optional: true } },
  },
  "node_modules/native-a-linux-x64": { os: ["linux"], cpu: ["x64"], libc: ["glibc"] },
  "node_modules/native-a-darwin-arm64": { os: ["darwin"], cpu: ["arm64"] },
  "node_modules/native-a-linux-x64-cuda": { os: ["linux"], cpu: ["x64"] },
  // Listed for x64 too, as node-llama-cpp's arm packages are.
  "node_modules/native-a-linux-arm64": { os: ["linux"], cpu: ["arm64", "x64"] },
  "node_modules/shared": { dependencies: { helper: "^1" } },
  "node_modules/helper": {},
  "node_modules/native-a/node_modules/helper": {},
  "node_modules/shared/node_modules/helper": {},
  "node_modules/peer-needed": {},
  "node_modules/typescript": {},
  "node_modules/unrelated": {},
};

describe("resolveFrom", () => {
  it.each([
    { from: "", name: "helper", want: "node_modules/helper" },
    {
      from: "node_modules/native-a",
      name: "helper",
      want: "node_modules/native-a/node_modules/helper",
    },
    { from: "node_modules/native-a", name: "shared", want: "node_modules/shared" },
    { from: "services/encoder", name: "native-a", want: "node_modules/native-a" },
    { from: "", name: "absent", want: undefined },
  ])("when $name is required from '$from', resolves to $want", ({ from, name, want }) => {
    expect(resolveFrom(lock, from, name)).toBe(want);
  });
});

describe("dependencyClosure", () => {
  it("when a native package is the root, keeps its linux-x64 CPU closure with Node's resolution", () => {
    expect(dependencyClosure(lock, "services/encoder", ["native-a"])).toEqual([
      "node_modules/native-a",
      "node_modules/native-a-linux-x64",
      "node_modules/native-a/node_modules/helper",
      "node_modules/peer-needed",
      "node_modules/shared",
      "node_modules/shared/node_modules/helper",
    ]);
  });

  it("when there are no roots, copies nothing", () => {
    expect(dependencyClosure(lock, "services/router", [])).toEqual([]);
  });

  it("when a required package is missing from the lockfile, names it", () => {
    expect(() => dependencyClosure(lock, "", ["ghost"])).toThrow(
      /ghost .* not in package-lock.json/,
    );
  });
});

describe("fitsImage", () => {
  it.each([
    {
      path: "node_modules/@node-llama-cpp/linux-x64",
      entry: { os: ["linux"], cpu: ["x64"] },
      want: true,
    },
    {
      path: "node_modules/@node-llama-cpp/linux-x64-cuda",
      entry: { os: ["linux"], cpu: ["x64"] },
      want: false,
    },
    { path: "node_modules/@node-llama-cpp/linux-x64-vulkan", entry: {}, want: false },
    {
      path: "node_modules/@node-llama-cpp/linux-armv7l",
      entry: { cpu: ["arm", "x64"] },
      want: false,
    },
    { path: "node_modules/x-musl", entry: { libc: ["musl"] }, want: false },
    { path: "node_modules/not-windows", entry: { os: ["!win32"] }, want: true },
    { path: "node_modules/chalk", entry: {}, want: true },
  ])("when $path is $entry, fits the image: $want", ({ path, entry, want }) => {
    expect(fitsImage(path, entry)).toBe(want);
  });

  it("when a path is nested, names the package", () => {
    expect(packageName("node_modules/a/node_modules/@s/b")).toBe("@s/b");
  });
});
