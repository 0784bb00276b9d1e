// Benchmark (not a test): the kubetune router doing a 90/10 split, against nginx (Debian,
// one worker) doing the same split and a bare node:http pass-through, in the same run.
//
//   npm run bench:router -- [--rate 1000] [--requests 10000] [--seconds 5] [--connections 32]
//
// The proxies run pinned to core 0; the backends, the load generators and this script to
// core 1. Latency: `requests` per target at a fixed open-loop rate (the same load for each;
// minus the direct-to-backend latency = added latency), which also gives the observed split.
// Throughput: wrk at a fixed concurrency, with the proxy's CPU time per request. Both run in
// interleaved rounds so the machine's changing background load falls on every target
// alike. Then the router alone at the fixed rate while its table is rewritten every 500 ms:
// not one of its requests may fail.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fixedRate, percentile, wrk } from "./router/load.js";
import type { FixedRateResult } from "./router/load.js";
import { cpuSeconds, startPinned, waitForPort } from "./router/processes.js";
import type { Started } from "./router/processes.js";
import { BACKENDS, BARE_PROXY, nginxConfig } from "./router/programs.js";
import { report } from "./router/report.js";
import type { Measured, ReloadRun } from "./router/report.js";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "1000" },
    requests: { type: "string", default: "10000" },
    seconds: { type: "string", default: "5" },
    connections: { type: "string", default: "32" },
  },
});
const RATE = Number(values.rate);
const REQUESTS = Number(values.requests);
const ROOT = join(import.meta.dirname, "..");
const PROXY_CORE = 0;
const LOAD_CORE = 1;
const ROUNDS = 3;
const WRK = {
  core: LOAD_CORE,
  connections: Number(values.connections),
  seconds: Number(values.seconds),
};

interface Target {
  readonly name: string;
  readonly port: number;
  /** The proxy's process, whose CPU per request is measured during the wrk rounds. */
  readonly pid?: number | undefined;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return typeof address === "object" && address ? address.port : 0;
}

function routingTable(generation: number, stable: number, candidate: number) {
  const variant = (name: string, weight: number, port: number) => ({
    name,
    modelVersion: `bench-${name}`,
    version: name === "stable" ? "v1" : "v2",
    weight,
    endpoints: [`http://127.0.0.1:${port}`],
  });
  return {
    generation,
    route: "bench",
    model: "bench",
    variants: [variant("stable", 90, stable), variant("candidate", 10, candidate)],
  };
}

function emptyLoad(): FixedRateResult {
  return { latenciesMs: [], failed: 0, variants: new Map() };
}

function merge(into: FixedRateResult, slice: FixedRateResult): FixedRateResult {
  const variants = new Map(into.variants);
  for (const [name, n] of slice.variants) variants.set(name, (variants.get(name) ?? 0) + n);
  return {
    latenciesMs: [...into.latenciesMs, ...slice.latenciesMs],
    failed: into.failed + slice.failed,
    variants,
  };
}

interface WrkRound {
  readonly rps: number;
  readonly failed: number;
  readonly cpu: number;
  readonly requests: number;
}

async function cpuMeasured(dir: string, target: Target): Promise<WrkRound> {
  const before = target.pid === undefined ? 0 : cpuSeconds(target.pid);
  const result = await wrk(dir, target.port, WRK);
  const cpu = target.pid === undefined ? 0 : cpuSeconds(target.pid) - before;
  return { ...result, cpu, requests: result.rps * WRK.seconds };
}

function perRequest(rounds: readonly WrkRound[]): number {
  const cpu = rounds.reduce((sum, r) => sum + r.cpu, 0);
  const requests = rounds.reduce((sum, r) => sum + r.requests, 0);
  return (1e6 * cpu) / requests;
}

async function measureAll(dir: string, targets: readonly Target[]): Promise<Measured[]> {
  for (const target of targets) await fixedRate(target.port, RATE, Math.min(1000, REQUESTS));
  const loads = targets.map(emptyLoad);
  const wrkRounds = targets.map(() => [] as WrkRound[]);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, target] of targets.entries()) {
      const slice = await fixedRate(target.port, RATE, Math.round(REQUESTS / ROUNDS));
      loads[i] = merge(loads[i] ?? emptyLoad(), slice);
    }
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, target] of targets.entries()) wrkRounds[i]?.push(await cpuMeasured(dir, target));
  }
  return targets.map((target, i) => {
    const rounds = wrkRounds[i] ?? [];
    return {
      name: target.name,
      load: loads[i] ?? emptyLoad(),
      rps: percentile(
        rounds.map((r) => r.rps),
        50,
      ),
      wrkFailed: rounds.reduce((sum, r) => sum + r.failed, 0),
      cpuMicrosPerRequest: target.pid === undefined ? Number.NaN : perRequest(rounds),
    };
  });
}

/** Rewrites the table every 500 ms (write + rename, as a ConfigMap update); returns a stop. */
function reloadEvery500ms(path: string, stable: number, candidate: number): () => number {
  let generation = 1;
  const timer = setInterval(() => {
    generation++;
    writeFileSync(`${path}.tmp`, JSON.stringify(routingTable(generation, stable, candidate)));
    renameSync(`${path}.tmp`, path);
  }, 500);
  return () => {
    clearInterval(timer);
    return generation - 1;
  };
}

function startAll(dir: string, ports: number[], started: Started[]): string {
  const [stable, candidate, bare, nginx, router] = ports.map(String) as [
    string,
    string,
    string,
    string,
    string,
  ];
  const node = process.execPath;
  started.push(startPinned("backends", LOAD_CORE, [node, "-e", BACKENDS, stable, candidate]));
  started.push(startPinned("bare", PROXY_CORE, [node, "-e", BARE_PROXY, bare, stable, candidate]));
  const conf = join(dir, "nginx.conf");
  writeFileSync(conf, nginxConfig(dir, Number(nginx), Number(stable), Number(candidate)));
  started.push(
    startPinned("nginx", PROXY_CORE, [
      "nginx",
      "-p",
      `${dir}/`,
      "-c",
      conf,
      "-e",
      join(dir, "error.log"),
    ]),
  );
  const table = join(dir, "routing-table.json");
  writeFileSync(table, JSON.stringify(routingTable(1, Number(stable), Number(candidate))));
  const main = join(ROOT, "services/router/src/main.ts");
  started.push(
    startPinned("router", PROXY_CORE, [
      node,
      "--import",
      "tsx",
      main,
      "--config",
      table,
      "--port",
      router,
    ]),
  );
  return table;
}

async function run(
  dir: string,
  started: Started[],
): Promise<{ results: Measured[]; reloads: ReloadRun }> {
  const ports = await Promise.all([1, 2, 3, 4, 5].map(freePort));
  const table = startAll(dir, ports, started);
  const [stable = 0, candidate = 0, bare = 0, nginx = 0, router = 0] = ports;
  for (const port of ports.slice(1)) await waitForPort(port, `port ${port}`);
  const pid = (name: string) => started.find((s) => s.name === name)?.child.pid;
  const results = await measureAll(dir, [
    { name: "direct to backend", port: stable },
    { name: "bare node:http", port: bare, pid: pid("bare") },
    { name: "nginx (1 worker)", port: nginx, pid: pid("nginx") },
    { name: "kubetune router", port: router, pid: pid("router") },
  ]);
  // Separately, so the comparison above is like for like: the router under the same fixed
  // load while its table is rewritten every 500 ms. Not one request may fail.
  const stopReloading = reloadEvery500ms(table, stable, candidate);
  const load = await fixedRate(router, RATE, REQUESTS);
  return { results, reloads: { count: stopReloading(), load } };
}

const dir = mkdtempSync(join(tmpdir(), "kubetune-bench-router-"));
chmodSync(dir, 0o755); // nginx workers drop privileges and must reach their temp paths
execFileSync("taskset", ["-p", "-c", String(LOAD_CORE), String(process.pid)], { stdio: "ignore" });
const started: Started[] = [];
try {
  const { results, reloads } = await run(dir, started);
  report(
    results,
    reloads,
    `Router benchmark: ${REQUESTS} requests at ${RATE}/s per target in ${ROUNDS} interleaved ` +
      `rounds, then ${ROUNDS} rounds of wrk -t1 -c${WRK.connections} -d${WRK.seconds}s; proxies on core ${PROXY_CORE}`,
  );
} finally {
  for (const child of started.reverse()) await child.stop();
  rmSync(dir, { recursive: true, force: true });
}
