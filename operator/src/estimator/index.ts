// The GPU memory estimator: how much memory one GPU needs for a FineTuneJob, by component.
export { formatParameterCount } from "./architectures.js";
export { EstimatorInputError } from "./errors.js";
export { estimateMemory } from "./estimate.js";
export type { ComputeDtype, MemoryBreakdown, MemoryEstimate } from "./estimate.js";
export type { ResolvedRun } from "./resolve-run.js";
