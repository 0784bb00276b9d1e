// `npm run images -- operator` for real: one bundle with every dependency inside (the
// Kubernetes client included), run from the unpacked rootfs: the CLI estimates an example
// FineTuneJob, and the operator's entrypoint serves /healthz while no API server answers.
import { copyFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../src/paths.js";
import type { BuiltFixture } from "./image-fixture.js";
import {
  MAX_IMAGE_BYTES,
  buildAndUnpack,
  freePort,
  isRoot,
  poll,
  runInRootfs,
  stop,
} from "./image-fixture.js";

let operator: BuiltFixture;

beforeAll(async () => {
  operator = await buildAndUnpack("operator");
});

afterAll(async () => {
  await rm(operator.work, { recursive: true, force: true });
});

describe("the operator image", () => {
  it("is the bundle alone on the base: non-root, no node_modules, under the limit", () => {
    const { config } = operator.image.config;

    expect(config.User).toBe("10001:10001");
    expect(config.Entrypoint).toEqual(["node", "--enable-source-maps", "/app/main.js"]);
    expect(Object.keys(config.ExposedPorts ?? {})).toEqual(["8081/tcp"]);
    expect(operator.files).toEqual(expect.arrayContaining(["app/main.js", "app/kubetune.js"]));
    expect(operator.files.filter((f) => f.startsWith("app/node_modules/"))).toEqual([]);
    expect(operator.built.bytes).toBeLessThan(MAX_IMAGE_BYTES);
  });

  it.skipIf(!isRoot)(
    "when the CLI runs in its rootfs, it estimates an example FineTuneJob",
    async () => {
      await copyFile(
        join(REPO_ROOT, "examples", "finetunejob-qlora.yaml"),
        join(operator.rootfs, "tmp", "ftj.yaml"),
      );

      const cli = runInRootfs(
        operator.rootfs,
        operator.image.config,
        ["estimate", "-f", "/tmp/ftj.yaml"],
        ["node", "/app/kubetune.js"],
      );
      const code = await cli.exited;

      expect({ code, logs: cli.logs() }).toMatchObject({ code: 0 });
      expect(cli.logs()).toMatch(/Estimated peak memory per GPU/);
    },
  );

  it.skipIf(!isRoot)(
    "when the entrypoint runs in its rootfs without an API server, /healthz answers",
    async () => {
      const port = await freePort();
      const running = runInRootfs(
        operator.rootfs,
        operator.image.config,
        [],
        [
          "env",
          `KUBETUNE_HEALTH_ADDR=127.0.0.1:${port}`,
          "KUBETUNE_LEADER_ELECTION=false",
          ...(operator.image.config.config.Entrypoint ?? []),
        ],
      );
      try {
        const health = await poll(`http://127.0.0.1:${port}/healthz`, 30_000, 200);

        expect({ health, logs: running.logs() }).toMatchObject({ health: 200 });
      } finally {
        await stop(running);
      }
    },
  );
});
