// `kubetune estimate` output: a human table, or the report as JSON for scripts.
import type { MemoryBreakdown, ResolvedRun } from "../estimator/index.js";
import { formatParameterCount } from "../estimator/index.js";
import { columns } from "./columns.js";
import type { EstimateReport } from "./estimate-report.js";

const COMPONENTS: readonly [keyof MemoryBreakdown, string][] = [
  ["frozenWeights", "frozen weights"],
  ["trainableWeights", "trainable weights"],
  ["gradients", "gradients"],
  ["optimizerState", "optimizer state"],
  ["activations", "activations"],
  ["logits", "logits"],
  ["cudaContext", "CUDA context"],
  ["fragmentation", "fragmentation slack"],
];

const REFUSALS: Readonly<Record<"UnknownPool" | "InsufficientGPUMemory", string>> = {
  UnknownPool: "is not configured",
  InsufficientGPUMemory: "does not fit",
};

const gib = (value: number) => `${value.toFixed(2)} GiB`;

export function renderJson(report: EstimateReport): string {
  return JSON.stringify(report, null, 2);
}

export function renderTable(report: EstimateReport): string {
  return [
    ...describeRun(report),
    "",
    ...breakdown(report),
    "",
    ...columns([
      ["POOL", "GPU", "MEMORY", "DTYPE", "PRICE/H", "NEEDS", "FITS"],
      ...report.pools.map((p) => [
        p.name,
        p.gpuType,
        `${p.gpuMemoryGiB} GiB`,
        p.computeDtype,
        p.pricePerHour,
        gib(p.estimatedGiB),
        p.fits ? "yes" : "no",
      ]),
    ]),
    "",
    ...decision(report),
  ].join("\n");
}

function describeRun(report: EstimateReport): string[] {
  const { namespace, name } = report.fineTuneJob;
  const run = report.estimate.assumed;
  const lines = [
    `FineTuneJob ${namespace === undefined ? name : `${namespace}/${name}`}: ${run.method} ` +
      `${run.task} fine-tune of ${report.baseModel.name} (${report.baseModel.parameters})`,
    `  architecture  ${architecture(run)}`,
    `  run           ${hyperparameters(run)}`,
  ];
  if (run.lora !== undefined) {
    lines.push(
      `  lora          r ${run.lora.r} on ${run.lora.targetModules.join(", ")}: ` +
        `${formatParameterCount(report.estimate.trainableParameters)} trainable parameters`,
    );
  }
  if (run.quantization !== undefined) {
    const { bits, type, doubleQuant } = run.quantization;
    const double = doubleQuant ? "with" : "without";
    lines.push(`  quantization  ${bits}-bit ${type}, ${double} double quantization`);
  }
  return [...lines, ...run.notes.map((note) => `  note          ${note}`)];
}

function architecture(run: ResolvedRun): string {
  const a = run.architecture;
  return (
    `${a.name}: ${formatParameterCount(a.parameters)} parameters, hidden ${Math.round(a.hiddenSize)}, ` +
    `${a.layers} layers, intermediate ${Math.round(a.intermediateSize)}, ` +
    `${a.attentionHeads} heads (${a.kvHeads} KV), vocabulary ${a.vocabSize}`
  );
}

function hyperparameters(run: ResolvedRun): string {
  const checkpointing = run.gradientCheckpointing ? "on" : "off";
  return (
    `batch ${run.batchSize} × ${run.maxSeqLength} tokens, gradient checkpointing ` +
    `${checkpointing}, optimizer ${run.optimizer}`
  );
}

function breakdown(report: EstimateReport): string[] {
  const { breakdownGiB, totalGiB, computeDtype } = report.estimate;
  const rows = COMPONENTS.map(([key, label]) => [`  ${label}`, gib(breakdownGiB[key])]);
  return [
    `Estimated peak memory per GPU, computing in ${computeDtype}:`,
    ...columns([...rows, ["  total", gib(totalGiB)]], ["left", "right"]),
  ];
}

function decision(report: EstimateReport): string[] {
  const { placement, requested, autoPick, pools } = report;
  const price = pools.find((p) => p.name === autoPick)?.pricePerHour;
  const auto =
    autoPick === null
      ? "auto finds no pool that fits."
      : `auto picks ${autoPick}, the cheapest pool that fits (${price ?? "?"} per GPU-hour).`;
  const lines = [auto, "In a cluster the operator also prefers pools with a free GPU."];
  if (requested === "auto") return autoPick === null ? [auto] : lines;
  const verdict = placement.placed ? "fits" : REFUSALS[placement.reason];
  return [`Requested pool ${requested} ${verdict}; ${auto}`];
}

/** Aligns cells into columns two spaces apart; trailing spaces are trimmed. */
