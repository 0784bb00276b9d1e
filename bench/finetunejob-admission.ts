// Benchmark (not a test): how fast the operator admits and places FineTuneJobs on the
// local cluster, against the raw API-server write rate measured in the same run.
//
//   npm run bench:finetunejob -- [--jobs 100]
//
// Prints: raw ConfigMap creates/s, FineTuneJobs admitted-and-placed/s (from create to
// Admitted=True with the Job created), their ratio, the operator's API writes per
// FineTuneJob (from its own kubetune_operator_api_writes_total), and its RSS.
import { readFileSync } from "node:fs";
import { get as httpsGet } from "node:https";
import type { RequestOptions } from "node:https";
import { parseArgs } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { BatchV1Api, CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";
import { startCluster, stopCluster } from "../e2e/cluster/src/cluster.js";
import { createNamespace, loadKubeConfig } from "../e2e/support/kube.js";
import { spawnOperator } from "../e2e/support/operator-process.js";
import { withSharedAgent } from "../operator/src/runtime/shared-agent.js";

const { values } = parseArgs({ options: { jobs: { type: "string", default: "100" } } });
const jobs = Number(values.jobs);
const CONCURRENCY = 16;
const HEALTH_PORT = 18081;

/** Runs `task` for 0..n-1 with a fixed number in flight; returns the elapsed seconds. */
async function timed(n: number, task: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < n) await task(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return (performance.now() - start) / 1000;
}

function fineTuneJob(name: string, namespace: string) {
  return {
    apiVersion: "kubetune.io/v1alpha1",
    kind: "FineTuneJob",
    metadata: { name, namespace },
    spec: {
      model: "bench",
      baseModel: {
        name: "meta-llama/Meta-Llama-3-8B",
        uri: "s3://models/llama3-8b/",
        parameters: "8B",
      },
      dataset: { uri: "s3://datasets/bench.jsonl", format: "alpaca" },
      method: "qlora",
      output: { uri: "s3://models/bench/", format: "gguf" },
    },
  };
}

async function admittedWithJob(kc: KubeConfig, namespace: string): Promise<number> {
  const list = (await kc.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({
    group: "kubetune.io",
    version: "v1alpha1",
    namespace,
    plural: "finetunejobs",
  })) as {
    items: { status?: { job?: string; conditions?: { type: string; status: string }[] } }[];
  };
  return list.items.filter(
    (i) =>
      i.status?.job &&
      i.status.conditions?.some((c) => c.type === "Admitted" && c.status === "True"),
  ).length;
}

async function operatorMetrics(): Promise<string> {
  return (await fetch(`http://127.0.0.1:${HEALTH_PORT}/metrics`)).text();
}

/** User + system CPU seconds a process has used so far (Linux /proc, clock ticks of 1/100 s). */
function cpuSeconds(pid: number | undefined): number {
  const fields =
    readFileSync(`/proc/${String(pid)}/stat`, "utf8")
      .split(") ")[1]
      ?.split(" ") ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Writes the API server has served so far, from its own apiserver_request_total. */
async function apiServerWrites(kc: KubeConfig): Promise<number> {
  const options: RequestOptions = {};
  await kc.applyToHTTPSOptions(options);
  const server = kc.getCurrentCluster()?.server ?? "";
  const text = await new Promise<string>((resolve, reject) => {
    httpsGet(`${server}/metrics`, options, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => {
        resolve(body);
      });
    }).on("error", reject);
  });
  return text
    .split("\n")
    .filter((line) => line.startsWith("apiserver_request_total{"))
    .filter((line) => /verb="(POST|PUT|PATCH|APPLY|DELETE)"/.test(line))
    .reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
}

function sumOf(metrics: string, name: string): number {
  return metrics
    .split("\n")
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.split(" ").pop()), 0);
}

const { state } = await startCluster({ name: "bench" });
const kc = loadKubeConfig(state.kubeconfig);
try {
  const raw = await createNamespace(kc, "bench-raw");
  // The peer gets the same keep-alive connection reuse the operator has.
  const core = withSharedAgent(kc).makeApiClient(CoreV1Api);
  const rawWrites = async (round: string) =>
    jobs /
    (await timed(jobs, (i) =>
      core.createNamespacedConfigMap({
        namespace: raw.name,
        body: { metadata: { name: `cm-${round}-${i}` }, data: { i: String(i) } },
      }),
    ));
  // Measured before and after the runs, and averaged: the machine's load drifts.
  const rawBefore = await rawWrites("before");

  const ns = await createNamespace(kc, "bench-ftj");
  const operator = await spawnOperator(
    state.kubeconfig,
    {
      KUBETUNE_NAMESPACE: ns.name,
      KUBETUNE_HEALTH_ADDR: `127.0.0.1:${HEALTH_PORT}`,
    },
    "ignore",
  );
  while (
    !(await fetch(`http://127.0.0.1:${HEALTH_PORT}/readyz`).then(
      (r) => r.ok,
      () => false,
    ))
  )
    await sleep(200);
  const custom = kc.makeApiClient(CustomObjectsApi);
  const cpuAtStart = cpuSeconds(operator.pid);
  const clusterWritesAtStart = await apiServerWrites(kc);
  const start = performance.now();
  await timed(jobs, (i) =>
    custom.createNamespacedCustomObject({
      group: "kubetune.io",
      version: "v1alpha1",
      namespace: ns.name,
      plural: "finetunejobs",
      body: fineTuneJob(`ftj-${i}`, ns.name),
    }),
  );
  // Listing every run is itself load on the API server: poll less often for more runs.
  while ((await admittedWithJob(kc, ns.name)) < jobs) await sleep(Math.max(100, jobs));
  const placedSeconds = (performance.now() - start) / 1000;
  const operatorCpuSeconds = cpuSeconds(operator.pid) - cpuAtStart;
  const clusterWrites = (await apiServerWrites(kc)) - clusterWritesAtStart;
  const placedRate = jobs / placedSeconds;
  await sleep(2000); // let trailing status writes land before counting
  const metrics = await operatorMetrics();
  const writes = sumOf(metrics, "kubetune_operator_api_writes_total");
  const reconciles = sumOf(metrics, "kubetune_operator_reconcile_duration_seconds_count");
  const reconcileSeconds = sumOf(metrics, "kubetune_operator_reconcile_duration_seconds_sum");
  const queuedSeconds = sumOf(metrics, "kubetune_operator_workqueue_queue_duration_seconds_sum");
  const rss =
    Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${operator.pid}/status`, "utf8"))?.[1] ?? 0) /
    1024;
  const jobsCreated = (await kc.makeApiClient(BatchV1Api).listNamespacedJob({ namespace: ns.name }))
    .items.length;
  operator.kill("SIGTERM");
  const rawAfter = await rawWrites("after");
  const rawRate = (rawBefore + rawAfter) / 2;

  console.log(`FineTuneJobs: ${jobs}, concurrency ${CONCURRENCY}, Jobs created: ${jobsCreated}`);
  console.log(
    `raw API writes (ConfigMap creates): ${rawRate.toFixed(1)}/s (before ${rawBefore.toFixed(1)}, after ${rawAfter.toFixed(1)})`,
  );
  console.log(`FineTuneJobs admitted and placed:   ${placedRate.toFixed(1)}/s`);
  console.log(
    `ratio placed / raw writes:          ${(placedRate / rawRate).toFixed(2)} (target >= 0.3)`,
  );
  console.log(`operator API writes per FineTuneJob: ${(writes / jobs).toFixed(1)} (target <= 10)`);
  for (const verb of ["apply", "create", "status", "delete", "event"])
    console.log(
      `  ${verb}: ${(sumOf(metrics, `kubetune_operator_api_writes_total{verb="${verb}"}`) / jobs).toFixed(1)}`,
    );
  console.log(
    `API-server writes per FineTuneJob, all clients (create, operator, Job controller, scheduler, kwok): ${(clusterWrites / jobs).toFixed(1)}`,
  );
  console.log(
    `operator CPU while placing: ${operatorCpuSeconds.toFixed(1)} s over ${placedSeconds.toFixed(1)} s`,
  );
  console.log(
    `reconciles per FineTuneJob: ${(reconciles / jobs).toFixed(1)}, mean reconcile ${((1000 * reconcileSeconds) / reconciles).toFixed(0)} ms, mean queue wait ${((1000 * queuedSeconds) / reconciles).toFixed(0)} ms`,
  );
  const mib = (name: string) => (sumOf(metrics, name) / 2 ** 20).toFixed(0);
  console.log(
    `operator heap used ${mib("kubetune_operator_nodejs_heap_size_used_bytes")} MiB of ${mib("kubetune_operator_nodejs_heap_size_total_bytes")} MiB, external ${mib("kubetune_operator_nodejs_external_memory_bytes")} MiB`,
  );
  console.log(
    `operator RSS with ${jobs} FineTuneJobs and their Jobs cached: ${rss.toFixed(0)} MiB (target < 200)`,
  );
} finally {
  await stopCluster("bench");
}
