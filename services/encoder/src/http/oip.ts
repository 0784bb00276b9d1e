// Open Inference Protocol v2 shapes: model metadata, and infer with one BYTES input of
// texts → a BYTES "label" output and an FP32 "probabilities" output [n, labels].
import type { ClassifyResult } from "@kubetune/api";
import type { ModelHost } from "../model-host.js";
import { HttpError } from "./errors.js";

export interface InferRequest {
  id?: string;
  texts: string[];
}

interface TensorOut {
  name: string;
  datatype: string;
  shape: number[];
  data: (string | number)[];
}

export function modelMetadata(host: ModelHost) {
  const labels = host.state.status === "ready" ? host.state.classifier.labels.length : -1;
  return {
    name: host.name,
    versions: [host.version],
    platform: "onnxruntime_onnx",
    inputs: [{ name: "text", datatype: "BYTES", shape: [-1] }],
    outputs: [
      { name: "label", datatype: "BYTES", shape: [-1] },
      { name: "probabilities", datatype: "FP32", shape: [-1, labels] },
    ],
  };
}

function fail(message: string): never {
  throw new HttpError(400, `invalid infer request: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function textsOf(input: Record<string, unknown>, maxDocuments: number): string[] {
  if (input.datatype !== "BYTES")
    fail(`inputs[0].datatype must be BYTES, not ${JSON.stringify(input.datatype)}`);
  const data = Array.isArray(input.data)
    ? (input.data.flat() as unknown[])
    : fail("inputs[0].data must be an array");
  if (data.length === 0) fail("inputs[0].data has no texts");
  if (data.length > maxDocuments) fail(`too many texts: ${data.length}, at most ${maxDocuments}`);
  data.forEach((text, i) => {
    if (typeof text !== "string") fail(`inputs[0].data[${i}] is not a string`);
    if (text.trim() === "") fail(`inputs[0].data[${i}] is empty or whitespace only`);
  });
  return data as string[];
}

export function parseInferRequest(body: unknown, maxDocuments: number): InferRequest {
  if (!isRecord(body)) fail("body must be a JSON object");
  const inputs = Array.isArray(body.inputs) ? body.inputs : fail("inputs must be an array");
  if (inputs.length !== 1 || !isRecord(inputs[0]))
    fail("inputs must hold exactly one tensor (the texts)");
  const request: InferRequest = { texts: textsOf(inputs[0], maxDocuments) };
  if (typeof body.id === "string") request.id = body.id;
  return request;
}

export function inferResponse(
  host: ModelHost,
  labels: readonly string[],
  results: readonly ClassifyResult[],
  id: string | undefined,
) {
  const probabilities = results.flatMap((result) => {
    const byLabel = new Map(result.labels.map((l) => [l.label, l.score]));
    return labels.map((label) => byLabel.get(label) ?? 0);
  });
  const outputs: TensorOut[] = [
    { name: "label", datatype: "BYTES", shape: [results.length], data: results.map((r) => r.top) },
    {
      name: "probabilities",
      datatype: "FP32",
      shape: [results.length, labels.length],
      data: probabilities,
    },
  ];
  return {
    model_name: host.name,
    model_version: host.version,
    ...(id === undefined ? {} : { id }),
    outputs,
  };
}
