// LoRA target module names → the projections they adapt, and those projections' shapes.
// Names are matched the way PEFT matches a list of target modules: the whole module
// name or its last dotted segments, so "self_attn.q_proj" is q_proj.
import type { Architecture, ArchitectureFamily } from "./architectures.js";
import { kvDim } from "./architectures.js";
import { EstimatorInputError } from "./errors.js";

/** The linear projections of one transformer block. */
export type Projection = "q" | "k" | "v" | "o" | "gate" | "up" | "down";

export interface ProjectionShape {
  projection: Projection;
  inFeatures: number;
  outFeatures: number;
}

const DECODER_PROJECTIONS: readonly Projection[] = ["q", "k", "v", "o", "gate", "up", "down"];
const ENCODER_PROJECTIONS: readonly Projection[] = ["q", "k", "v", "o", "up", "down"];

/** Llama/Mistral module names. */
const DECODER_NAMES: Readonly<Record<string, readonly Projection[]>> = {
  q_proj: ["q"],
  k_proj: ["k"],
  v_proj: ["v"],
  o_proj: ["o"],
  gate_proj: ["gate"],
  up_proj: ["up"],
  down_proj: ["down"],
  "all-linear": DECODER_PROJECTIONS,
};

/** BERT/RoBERTa names, and DistilBERT's (q_lin … lin2), which differ only in spelling. */
const ENCODER_NAMES: Readonly<Record<string, readonly Projection[]>> = {
  query: ["q"],
  key: ["k"],
  value: ["v"],
  "attention.output.dense": ["o"],
  "intermediate.dense": ["up"],
  // As a suffix, output.dense also matches attention.output.dense; dense matches all three.
  "output.dense": ["o", "down"],
  dense: ["o", "up", "down"],
  q_lin: ["q"],
  k_lin: ["k"],
  v_lin: ["v"],
  out_lin: ["o"],
  lin1: ["up"],
  lin2: ["down"],
  "all-linear": ENCODER_PROJECTIONS,
};

/** What PEFT adapts when no target modules are given: the query and value projections. */
const DEFAULT_TARGETS: Readonly<Record<ArchitectureFamily, readonly string[]>> = {
  decoder: ["q_proj", "v_proj"],
  encoder: ["query", "value"],
};

const NAMES: Readonly<Record<ArchitectureFamily, Readonly<Record<string, readonly Projection[]>>>> =
  { decoder: DECODER_NAMES, encoder: ENCODER_NAMES };

export function defaultTargetModules(family: ArchitectureFamily): readonly string[] {
  return DEFAULT_TARGETS[family];
}

/**
 * The projections a list of target module names adapts, in block order. An unknown
 * name is an error: the trainer would fail on it too, and guessing would misstate memory.
 */
export function resolveTargetModules(
  names: readonly string[],
  family: ArchitectureFamily,
  field: string,
): Projection[] {
  const selected = new Set<Projection>();
  names.forEach((name, index) => {
    const projections = lookup(name, family);
    if (projections === undefined) {
      throw new EstimatorInputError(`${field}[${index}]`, unknownNameMessage(name, family));
    }
    for (const projection of projections) selected.add(projection);
  });
  const order = family === "decoder" ? DECODER_PROJECTIONS : ENCODER_PROJECTIONS;
  return order.filter((projection) => selected.has(projection));
}

function lookup(name: string, family: ArchitectureFamily): readonly Projection[] | undefined {
  const names = NAMES[family];
  const segments = name.split(".");
  for (let start = 0; start < segments.length; start++) {
    const suffix = segments.slice(start).join(".");
    if (Object.hasOwn(names, suffix)) return names[suffix];
  }
  return undefined;
}

function unknownNameMessage(name: string, family: ArchitectureFamily): string {
  const kind = family === "decoder" ? "a Llama-style decoder" : "a BERT-style encoder";
  const known = Object.keys(NAMES[family]).join(", ");
  return `"${name}" is not a module of ${kind}; known names: ${known}`;
}

export function projectionShape(arch: Architecture, projection: Projection): ProjectionShape {
  const h = arch.hiddenSize;
  const kv = kvDim(arch);
  const i = arch.intermediateSize;
  const shapes: Record<Projection, [number, number]> = {
    q: [h, h],
    k: [h, kv],
    v: [h, kv],
    o: [h, h],
    gate: [h, i],
    up: [h, i],
    down: [i, h],
  };
  const [inFeatures, outFeatures] = shapes[projection];
  return { projection, inFeatures, outFeatures };
}

/** LoRA adds A (r × in) and B (out × r) to every adapted projection of every layer. */
export function loraParameters(
  arch: Architecture,
  projections: readonly Projection[],
  rank: number,
): number {
  const perLayer = projections
    .map((projection) => projectionShape(arch, projection))
    .reduce((sum, shape) => sum + rank * (shape.inFeatures + shape.outFeatures), 0);
  return arch.layers * perLayer;
}
