// Peak GPU memory of one training pod's GPU for a FineTuneJob. Pure: the same spec and
// dtype always give the same estimate. docs/estimator.md has the formula, the reasoning
// behind each term and the published measurements the constants are checked against.
import type { FineTuneJobSpec } from "@kubetune/api";
import type { Architecture, ResolvedArchitecture } from "./architectures.js";
import { blockLinearParameters, kvDim } from "./architectures.js";
import type { Optimizer, ResolvedQuantization, ResolvedRun } from "./resolve-run.js";
import { resolveRun } from "./resolve-run.js";
import { loraParameters, projectionShape } from "./target-modules.js";

/** The dtype the pool computes in: bf16 where the GPU has it, fp16 otherwise. */
export type ComputeDtype = "bf16" | "fp16" | "fp32";

/** GiB per component; the components add up to the total. */
export interface MemoryBreakdown {
  /** Frozen base weights: 4/8-bit with quantization constants (qlora) or 16-bit (lora). */
  frozenWeights: number;
  /** Trainable weights: LoRA adapters in fp32, or the whole model's master weights (full). */
  trainableWeights: number;
  gradients: number;
  optimizerState: number;
  /** Saved activations for batch × sequence (with or without gradient checkpointing). */
  activations: number;
  /** batch × sequence × vocabulary logits and the fp32 copies the loss needs. */
  logits: number;
  cudaContext: number;
  /** Caching-allocator fragmentation slack. */
  fragmentation: number;
}

export interface MemoryEstimate {
  /** Estimated peak memory of one GPU, in GiB. */
  totalGiB: number;
  breakdownGiB: MemoryBreakdown;
  computeDtype: ComputeDtype;
  /** LoRA adapter parameters, or all parameters for method full. */
  trainableParameters: number;
  /** The run as estimated: defaults applied, architecture chosen, notes on assumptions. */
  assumed: ResolvedRun;
}

const GIB = 1024 ** 3;
const FP32 = 4;
const DTYPE_BYTES: Readonly<Record<ComputeDtype, number>> = { bf16: 2, fp16: 2, fp32: 4 };

/** Bytes of optimizer state per trainable parameter. */
const OPTIMIZER_STATE_BYTES: Readonly<Record<Optimizer, number>> = {
  adamw: 8,
  "adamw-8bit": 2,
  "paged-adamw-8bit": 2,
  sgd: 0,
};

/** Constants calibrated in docs/estimator.md. */
export const ESTIMATOR_CONSTANTS = {
  /** CUDA context, cuBLAS workspace and loaded kernels. */
  cudaContextGiB: 0.75,
  /** Allocator slack as a share of everything allocated. */
  fragmentationShare: 0.1,
  /** 4-bit blocks: one absmax per 64 weights; double quantization stores it in 8 bits
   * with one fp32 constant per 256 blocks. */
  blockSize: 64,
  secondLevelBlocks: 256,
} as const;

/**
 * Estimates the peak GPU memory of a FineTuneJob on one GPU computing in `computeDtype`.
 * The spec may lack API defaults; they are applied here. Throws EstimatorInputError
 * for what cannot be sized (an unknown LoRA target module, a malformed parameter count).
 */
export function estimateMemory(spec: FineTuneJobSpec, computeDtype: ComputeDtype): MemoryEstimate {
  const run = resolveRun(spec);
  const a = DTYPE_BYTES[computeDtype];
  const trainable = trainableBytes(run, a);
  const allocated = {
    frozenWeights: frozenWeightBytes(run, a) / GIB,
    trainableWeights: trainable.weights / GIB,
    gradients: trainable.gradients / GIB,
    optimizerState: trainable.optimizerState / GIB,
    activations: activationBytes(run, a) / GIB,
    logits: logitBytes(run, a) / GIB,
  };
  const allocatedGiB = Object.values(allocated).reduce((sum, gib) => sum + gib, 0);
  const cudaContext = ESTIMATOR_CONSTANTS.cudaContextGiB;
  const fragmentation = allocatedGiB * ESTIMATOR_CONSTANTS.fragmentationShare;
  const breakdownGiB: MemoryBreakdown = { ...allocated, cudaContext, fragmentation };
  return {
    totalGiB: allocatedGiB + cudaContext + fragmentation,
    breakdownGiB,
    computeDtype,
    trainableParameters: trainable.parameters,
    assumed: run,
  };
}

function frozenWeightBytes(run: ResolvedRun, a: number): number {
  if (run.quantization !== undefined)
    return quantizedWeightBytes(run.architecture, run.quantization);
  return run.method === "full" ? 0 : run.architecture.parameters * a;
}

/**
 * QLoRA quantizes the block linear weights; embeddings, output head and norms stay
 * unquantized and are cast to fp32 when the model is prepared for k-bit training.
 */
function quantizedWeightBytes(arch: ResolvedArchitecture, q: ResolvedQuantization): number {
  const quantized = blockLinearParameters(arch);
  const unquantized = arch.parameters - quantized;
  return (quantized * (q.bits + constantBits(arch, q))) / 8 + unquantized * FP32;
}

/** Bits of quantization constants per quantized weight. */
export function constantBits(arch: Architecture, q: ResolvedQuantization): number {
  const { blockSize, secondLevelBlocks } = ESTIMATOR_CONSTANTS;
  // LLM.int8 keeps one fp32 scale per output row: 32 bits per row of ~hidden inputs.
  if (q.bits !== 4) return 32 / arch.hiddenSize;
  if (!q.doubleQuant) return 32 / blockSize;
  return 8 / blockSize + 32 / (blockSize * secondLevelBlocks);
}

interface TrainableBytes {
  parameters: number;
  weights: number;
  gradients: number;
  optimizerState: number;
}

/**
 * LoRA adapters are trained in fp32. Full fine-tuning is mixed precision as trainers
 * run it: fp32 master weights and gradients, plus the half-precision copy autocast keeps.
 */
function trainableBytes(run: ResolvedRun, a: number): TrainableBytes {
  const parameters =
    run.lora === undefined
      ? run.architecture.parameters
      : loraParameters(run.architecture, run.lora.projections, run.lora.r);
  const halfCopy = run.lora === undefined && a < FP32 ? a : 0;
  return {
    parameters,
    weights: parameters * (FP32 + halfCopy),
    gradients: parameters * FP32,
    optimizerState: parameters * OPTIMIZER_STATE_BYTES[run.optimizer],
  };
}

/**
 * Activations saved for the backward pass, per token. Without gradient checkpointing
 * every layer keeps its own; with it, each layer keeps only its input and one layer at
 * a time is recomputed during the backward pass.
 */
function activationBytes(run: ResolvedRun, a: number): number {
  const arch = run.architecture;
  const tokens = run.batchSize * run.maxSeqLength;
  const perLayer = layerActivationBytes(arch, a) + adapterActivationBytes(run, a);
  const perToken = run.gradientCheckpointing
    ? arch.layers * arch.hiddenSize * a + perLayer
    : arch.layers * perLayer;
  return tokens * perToken;
}

/**
 * One block's saved tensors per token, assuming fused (SDPA/flash) attention, so there
 * is no sequence² term. Decoder: attention inputs, q/k/v and output (6h + 2·kv), the
 * gated MLP's four intermediate tensors (4·I), and the fp32 inputs of two RMSNorms (8h).
 * Encoder: 7h + 2·I in the compute dtype, fp32 LayerNorm inputs (8h), dropout masks (3h).
 */
function layerActivationBytes(arch: Architecture, a: number): number {
  const h = arch.hiddenSize;
  const i = arch.intermediateSize;
  if (arch.family === "decoder") return a * (6 * h + 2 * kvDim(arch) + 4 * i) + 2 * FP32 * h;
  return a * (7 * h + 2 * i) + 2 * FP32 * h + 3 * h;
}

/** Each adapted projection keeps x·A (r wide) and, with dropout, its dropped input and mask. */
function adapterActivationBytes(run: ResolvedRun, a: number): number {
  const lora = run.lora;
  if (lora === undefined) return 0;
  return lora.projections
    .map((projection) => projectionShape(run.architecture, projection))
    .reduce((sum, shape) => {
      const dropout = lora.dropout > 0 ? (a + 1) * shape.inFeatures : 0;
      return sum + a * lora.r + dropout;
    }, 0);
}

/**
 * Causal LM logits: batch × sequence × vocabulary in the compute dtype, the fp32 copy
 * the loss upcasts to (none when computing in fp32), the log-softmax the loss keeps and
 * its gradient, both fp32. A classification head's logits are negligible.
 */
function logitBytes(run: ResolvedRun, a: number): number {
  if (run.task !== "causal-lm") return 0;
  const elements = run.batchSize * run.maxSeqLength * run.architecture.vocabSize;
  const upcast = a < FP32 ? FP32 : 0;
  return elements * (a + upcast + 2 * FP32);
}
