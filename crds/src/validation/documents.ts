// Checks the documents of a YAML stream the way a user would apply them: kubetune
// custom resources against their CRDs, and the GPU-pool ConfigMap against its schema.
import { parseAllDocuments, parse } from "yaml";
import { GROUP } from "../common/define-crd.js";
import { GPU_POOLS_CONFIGMAP, gpuPoolConfigSchema } from "../config/gpu-pools.js";
import { crds } from "../registry.js";
import type { FieldError } from "./field-error.js";
import { fieldError } from "./field-error.js";
import { validateAgainstSchema, validateResource } from "./validate.js";
import { isPlainObject } from "./walk.js";

export interface DocumentReport {
  /** "Kind namespace/name", or "document N" when the document has no identity. */
  subject: string;
  errors: FieldError[];
  /** Set when the document is not kubetune's to check (a Namespace, a Deployment, …). */
  skipped?: string;
}

export function validateYamlStream(text: string): DocumentReport[] {
  return parseAllDocuments(text).flatMap((doc, index): DocumentReport[] => {
    if (doc.errors.length > 0) {
      const errors = doc.errors.map((e) => fieldError("", "Invalid value", e.message));
      return [{ subject: `document ${index + 1}`, errors }];
    }
    const value: unknown = doc.toJS();
    // Empty documents (a stray "---", a comment-only file) are no manifest at all.
    if (value === null || value === undefined) return [];
    const subject = subjectOf(value, index);
    if (!isKubetuneDocument(value))
      return [{ subject, errors: [], skipped: "not a kubetune kind" }];
    return [{ subject, errors: validateDocument(value) }];
  });
}

function validateDocument(value: unknown): FieldError[] {
  if (isGpuPoolsConfigMap(value)) return validateGpuPools(value);
  return validateResource(value).errors;
}

/**
 * kubetune's documents: anything in the kubetune.io group or of a kubetune kind (so a
 * wrong apiVersion on one of ours is reported, not skipped), and the GPU-pool ConfigMap.
 */
function isKubetuneDocument(value: unknown): boolean {
  if (!isPlainObject(value)) return true;
  const group = typeof value.apiVersion === "string" ? value.apiVersion.split("/")[0] : undefined;
  return (
    group === GROUP || crds.some((crd) => crd.kind === value.kind) || isGpuPoolsConfigMap(value)
  );
}

function isGpuPoolsConfigMap(value: unknown): value is { data?: Record<string, unknown> } {
  return (
    isPlainObject(value) &&
    value.apiVersion === "v1" &&
    value.kind === "ConfigMap" &&
    isPlainObject(value.metadata) &&
    value.metadata.name === GPU_POOLS_CONFIGMAP.name
  );
}

function validateGpuPools(configMap: { data?: Record<string, unknown> }): FieldError[] {
  const path = `data[${GPU_POOLS_CONFIGMAP.key}]`;
  const text = configMap.data?.[GPU_POOLS_CONFIGMAP.key];
  if (typeof text !== "string")
    return [fieldError(path, "Required value", "the GPU pools as YAML")];
  let pools: unknown;
  try {
    pools = parse(text);
  } catch (error) {
    return [fieldError(path, "Invalid value", `not YAML: ${(error as Error).message}`)];
  }
  return validateAgainstSchema(pools, gpuPoolConfigSchema, { path }).errors;
}

function subjectOf(value: unknown, index: number): string {
  if (!isPlainObject(value) || !isPlainObject(value.metadata)) return `document ${index + 1}`;
  const { namespace, name } = value.metadata;
  const qualified = typeof namespace === "string" ? `${namespace}/${String(name)}` : String(name);
  return `${String(value.kind)} ${qualified}`;
}
