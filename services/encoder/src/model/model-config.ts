// config.json of a Hugging Face sequence-classification model: the label names in id
// order, the problem type, and the longest sequence the model accepts.
import type { ProblemType } from "../inference/aggregate.js";

export interface ModelConfig {
  labels: string[];
  problem: ProblemType;
  /** max_position_embeddings when the config has it: windows never exceed it. */
  maxPositions?: number;
}

const PROBLEMS: readonly string[] = ["single_label_classification", "multi_label_classification"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function labelsOf(id2label: unknown): string[] {
  if (!isRecord(id2label) || Object.keys(id2label).length === 0) {
    throw new Error("config.json has no id2label");
  }
  const entries = Object.entries(id2label);
  const labels: string[] = [];
  for (const [id, label] of entries) {
    const index = Number(id);
    if (!Number.isInteger(index) || index < 0 || index >= entries.length) {
      throw new Error(`config.json id2label has id "${id}" outside 0..${entries.length - 1}`);
    }
    if (typeof label !== "string") throw new Error(`config.json id2label["${id}"] is not a string`);
    labels[index] = label;
  }
  return labels;
}

/** Parses config.json; HF treats a missing problem_type as single-label. */
export function parseModelConfig(text: string): ModelConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`config.json is not JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!isRecord(json)) throw new Error("config.json is not a JSON object");
  const problem = json.problem_type ?? "single_label_classification";
  if (typeof problem !== "string" || !PROBLEMS.includes(problem)) {
    throw new Error(
      `config.json problem_type ${JSON.stringify(problem)} is not one of ${PROBLEMS.join(", ")}`,
    );
  }
  const config: ModelConfig = { labels: labelsOf(json.id2label), problem: problem as ProblemType };
  if (typeof json.max_position_embeddings === "number")
    config.maxPositions = json.max_position_embeddings;
  return config;
}
