// Test helpers: the contract manifests, copied and changed per case, so each table row
// says only what it breaks.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

export type Manifest = Record<string, unknown> & {
  metadata: Record<string, unknown>;
  spec: Record<string, unknown>;
};

const contractDocs = parseAllDocuments(
  readFileSync(join(import.meta.dirname, "fixtures", "contract.yaml"), "utf8"),
).map((doc) => doc.toJS() as Manifest);

export type ContractKind = "FineTuneJob" | "ModelVersion" | "InferenceRoute";

/** A fresh deep copy of the contract manifest of a kind. */
export function contract(kind: ContractKind): Manifest {
  const found = contractDocs.find((doc) => doc.kind === kind);
  if (!found) throw new Error(`no ${kind} in the contract fixture`);
  return structuredClone(found);
}

/**
 * A manifest as a test row changes it: deliberately untyped, because the rows write
 * values the API types forbid (that is what they test).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Malleable = any;

/** The contract manifest of a kind with one change applied. */
export function contractWith(kind: ContractKind, change: (manifest: Malleable) => void): Manifest {
  const manifest = contract(kind);
  change(manifest);
  return manifest;
}

export const contractKinds: ContractKind[] = ["FineTuneJob", "ModelVersion", "InferenceRoute"];
