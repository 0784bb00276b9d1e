// A real Prometheus (the Debian package) for the serving suite, scraping the pods of one
// namespace that carry the prometheus.io/* annotations the operator writes, and labelling
// each series with the `namespace` label the operator's rollout analysis selects by.
// Debian builds Prometheus without its Kubernetes service discovery, so this harness
// discovers the pods itself (a list every second) and hands them over as file-based
// service discovery targets: the scraping, storage and queries are Prometheus's own. It
// listens on loopback, keeps its data in a temporary directory and is stopped by its PID.
import { spawn } from "node:child_process";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig, V1Pod } from "@kubernetes/client-node";
import { stringify } from "yaml";
import { freePort } from "../cluster/src/ports.js";

export const PROMETHEUS_INSTALL_HINT = "apt-get install -y prometheus";
/** Seconds between scrapes and between discoveries: a failing candidate shows within seconds. */
export const SCRAPE_SECONDS = 1;

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

interface FileTargets {
  targets: string[];
  labels: Record<string, string>;
}

/** The pod's IP and annotated port, when it is running and asks to be scraped. */
function scrapeAddress(pod: V1Pod): string | undefined {
  const annotations = pod.metadata?.annotations ?? {};
  const ip = pod.status?.podIP;
  const port = annotations["prometheus.io/port"];
  const wanted = annotations["prometheus.io/scrape"] === "true";
  return wanted && pod.status?.phase === "Running" && ip && port ? `${ip}:${port}` : undefined;
}

function scrapeTarget(pod: V1Pod): FileTargets | undefined {
  const address = scrapeAddress(pod);
  if (address === undefined) return undefined;
  const { metadata = {} } = pod;
  return {
    targets: [address],
    labels: {
      __metrics_path__: metadata.annotations?.["prometheus.io/path"] ?? "/metrics",
      namespace: metadata.namespace ?? "",
      pod: metadata.name ?? "",
    },
  };
}

/** The file_sd entries for the running, annotated pods, addressed by pod IP and port. */
export function scrapeTargets(pods: readonly V1Pod[]): FileTargets[] {
  return pods.map(scrapeTarget).filter((t): t is FileTargets => t !== undefined);
}

export function scrapeConfig(targetsFile: string): object {
  return {
    global: { scrape_interval: `${SCRAPE_SECONDS}s`, evaluation_interval: `${SCRAPE_SECONDS}s` },
    scrape_configs: [
      {
        job_name: "kubetune-pods",
        file_sd_configs: [{ files: [targetsFile], refresh_interval: `${SCRAPE_SECONDS}s` }],
      },
    ],
  };
}

/** Lists the namespace's pods every second and rewrites the targets file (atomically). */
function discoverPods(kc: KubeConfig, namespace: string, file: string): () => Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const state = { running: true, last: "" };
  const loop = (async () => {
    while (state.running) {
      const pods = await core.listNamespacedPod({ namespace }).then(
        (list) => list.items,
        () => undefined,
      );
      const json = pods ? JSON.stringify(scrapeTargets(pods)) : state.last;
      if (json !== state.last) {
        writeFileSync(`${file}.tmp`, json);
        renameSync(`${file}.tmp`, file);
        state.last = json;
      }
      await sleep(SCRAPE_SECONDS * 1000);
    }
  })();
  return async () => {
    state.running = false;
    await loop;
  };
}

export async function startPrometheus(
  kc: KubeConfig,
  namespace: string,
): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), "kubetune-prometheus-"));
  const config = join(dir, "prometheus.yml");
  const targets = join(dir, "targets.json");
  writeFileSync(targets, "[]");
  writeFileSync(config, stringify(scrapeConfig(targets)));
  const stopDiscovery = discoverPods(kc, namespace, targets);
  const port = await freePort();
  const child = spawn(
    "prometheus",
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let log = "";
  child.stderr.on("data", (chunk: Buffer) => {
    log += chunk.toString("utf8");
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const failedToSpawn = new Promise<never>((_, reject) => {
    child.once("error", (error) => {
      reject(new Error(`cannot run prometheus (${PROMETHEUS_INSTALL_HINT}): ${error.message}`));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopDiscovery();
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, "SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.race([untilReady(url, exited, () => log), failedToSpawn]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop };
}

async function untilReady(url: string, exited: Promise<number | null>, log: () => string) {
  let code: number | null | undefined;
  void exited.then((c) => {
    code = c;
  });
  for (let attempt = 0; attempt < 120; attempt++) {
    if (code !== undefined) throw new Error(`prometheus exited (${code}):\n${log()}`);
    const ok = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await sleep(250);
  }
  throw new Error(`prometheus not ready within 30 s:\n${log()}`);
}

/** One instant query's first sample, or undefined when the answer is empty or NaN. */
export async function queryPrometheus(url: string, promql: string): Promise<number | undefined> {
  const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await response.json()) as {
    data?: { result: { value: [number, string] }[] };
  };
  const value = Number(body.data?.result[0]?.value[1] ?? Number.NaN);
  return Number.isFinite(value) ? value : undefined;
}
