// A FineTuneJob spec as the trainer will run it: the schema's defaults filled in where
// the API server did not (it only defaults inside objects that are present), the
// method-dependent defaults the schema cannot express, and the architecture.
import type { FineTuneJobSpec } from "@kubetune/api";
import type { ResolvedArchitecture } from "./architectures.js";
import { formatParameterCount, parseParameterCount, resolveArchitecture } from "./architectures.js";
import type { Projection } from "./target-modules.js";
import { defaultTargetModules, resolveTargetModules } from "./target-modules.js";

export type Method = FineTuneJobSpec["method"];
export type Task = NonNullable<FineTuneJobSpec["task"]>;
export type Optimizer = NonNullable<NonNullable<FineTuneJobSpec["hyperparameters"]>["optimizer"]>;

/** The defaults the FineTuneJob schema declares (a test keeps them in step). */
export const SPEC_DEFAULTS = {
  task: "causal-lm",
  lora: { r: 16, alpha: 32, dropout: "0.05" },
  quantization: { bits: 4, type: "nf4", doubleQuant: true },
  hyperparameters: { batchSize: 4, maxSeqLength: 512, gradientCheckpointing: true },
} as const;

export interface ResolvedLora {
  r: number;
  alpha: number;
  dropout: number;
  /** The names as given, or the trainer's default for the architecture. */
  targetModules: readonly string[];
  projections: readonly Projection[];
}

export interface ResolvedQuantization {
  bits: number;
  type: string;
  doubleQuant: boolean;
}

export interface ResolvedRun {
  task: Task;
  method: Method;
  architecture: ResolvedArchitecture;
  batchSize: number;
  maxSeqLength: number;
  gradientCheckpointing: boolean;
  optimizer: Optimizer;
  /** Set for methods lora and qlora. */
  lora?: ResolvedLora;
  /** Set for method qlora. */
  quantization?: ResolvedQuantization;
  /** What the estimate assumed beyond the spec, as sentences. */
  notes: string[];
}

export function resolveRun(spec: FineTuneJobSpec): ResolvedRun {
  const task = spec.task ?? SPEC_DEFAULTS.task;
  const declared = parseParameterCount(spec.baseModel.parameters, "spec.baseModel.parameters");
  const architecture = resolveArchitecture(declared, task);
  const notes = [architectureNote(spec.baseModel.parameters, architecture)];
  const run: ResolvedRun = {
    task,
    method: spec.method,
    architecture,
    ...resolveHyperparameters(spec),
    notes,
  };
  if (spec.method !== "full") run.lora = resolveLora(spec.lora ?? {}, architecture, notes);
  if (spec.method === "qlora") run.quantization = resolveQuantization(spec.quantization ?? {});
  return run;
}

type ResolvedHyperparameters = Pick<
  ResolvedRun,
  "batchSize" | "maxSeqLength" | "gradientCheckpointing" | "optimizer"
>;

function resolveHyperparameters(spec: FineTuneJobSpec): ResolvedHyperparameters {
  const hp = spec.hyperparameters ?? {};
  const defaults = SPEC_DEFAULTS.hyperparameters;
  return {
    batchSize: hp.batchSize ?? defaults.batchSize,
    maxSeqLength: hp.maxSeqLength ?? defaults.maxSeqLength,
    gradientCheckpointing: hp.gradientCheckpointing ?? defaults.gradientCheckpointing,
    optimizer: hp.optimizer ?? (spec.method === "qlora" ? "paged-adamw-8bit" : "adamw"),
  };
}

function resolveLora(
  lora: NonNullable<FineTuneJobSpec["lora"]>,
  architecture: ResolvedArchitecture,
  notes: string[],
): ResolvedLora {
  const given = lora.targetModules ?? [];
  const targetModules = given.length > 0 ? given : defaultTargetModules(architecture.family);
  if (given.length === 0) {
    notes.push(
      `No lora.targetModules given: assumed the trainer default ${targetModules.join(", ")}.`,
    );
  }
  const field = "spec.lora.targetModules";
  return {
    r: lora.r ?? SPEC_DEFAULTS.lora.r,
    alpha: lora.alpha ?? SPEC_DEFAULTS.lora.alpha,
    dropout: Number(lora.dropout ?? SPEC_DEFAULTS.lora.dropout),
    targetModules,
    projections: resolveTargetModules(targetModules, architecture.family, field),
  };
}

function resolveQuantization(
  quantization: NonNullable<FineTuneJobSpec["quantization"]>,
): ResolvedQuantization {
  return {
    bits: quantization.bits ?? SPEC_DEFAULTS.quantization.bits,
    type: quantization.type ?? SPEC_DEFAULTS.quantization.type,
    doubleQuant: quantization.doubleQuant ?? SPEC_DEFAULTS.quantization.doubleQuant,
  };
}

function architectureNote(declared: string, architecture: ResolvedArchitecture): string {
  const count = formatParameterCount(architecture.parameters);
  if (architecture.scaledFrom === undefined) {
    return `${declared} parameters: assumed the ${architecture.name} shape (${count}).`;
  }
  return (
    `${declared} parameters: no known shape within 10%, so the nearest, ` +
    `${architecture.scaledFrom}, was scaled to hidden size ${Math.round(architecture.hiddenSize)}.`
  );
}
