// The generated CRDs on a real kube-apiserver: installed, serving the contract manifests,
// and rejecting exactly what the validator rejects, with a message naming field and rule.
import { CustomObjectsApi } from "@kubernetes/client-node";
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import {
  apiErrorMessage,
  applyObject,
  createNamespace,
  loadKubeConfig,
} from "../../e2e/support/kube.js";
import { crds } from "../src/index.js";
import type { ContractKind, Manifest } from "./manifests.js";
import { contract, contractKinds, contractWith } from "./manifests.js";
import { immutableUpdates, rejected } from "./rule-cases.js";

let kc: KubeConfig;
let api: CustomObjectsApi;
let namespace: string;
let removeNamespace: () => Promise<void>;

beforeAll(async () => {
  kc = loadKubeConfig(inject("kubeconfig"));
  api = kc.makeApiClient(CustomObjectsApi);
  ({ name: namespace, remove: removeNamespace } = await createNamespace(kc, "api"));
});

afterAll(async () => {
  await removeNamespace();
});

function target(kind: ContractKind) {
  const crd = crds.find((c) => c.kind === kind)!;
  return { group: crd.group, version: crd.version, plural: crd.plural, namespace };
}

let counter = 0;
/** Creates the manifest under a fresh name (unless the row sets one), strictly validated. */
async function create(manifest: Manifest, keepName = false): Promise<Manifest> {
  const body = structuredClone(manifest);
  body.metadata = { ...body.metadata, namespace };
  if (!keepName) body.metadata.name = `${String(manifest.metadata.name).slice(0, 40)}-${++counter}`;
  return (await api.createNamespacedCustomObject({
    ...target(manifest.kind as ContractKind),
    body,
    fieldValidation: "Strict",
  })) as Manifest;
}

async function rejectionOf(action: Promise<unknown>): Promise<string> {
  try {
    await action;
  } catch (error) {
    return apiErrorMessage(error);
  }
  throw new Error("the API server accepted a manifest it should reject");
}

describe("the generated CRDs on kube-apiserver", () => {
  it.each(contractKinds)(
    "when the contract %s is created, stores it with its defaults",
    async (kind) => {
      const created = await create(contract(kind));

      expect(created.metadata.generation).toBe(1);
      if (kind === "FineTuneJob") expect(created.spec.backoffLimit).toBe(2);
    },
  );

  it.each(rejected)("when given $name, rejects it naming the field and the rule", async (row) => {
    const manifest = contractWith(row.kind, row.change);
    const keepName = manifest.metadata.name !== contract(row.kind).metadata.name;

    const message = await rejectionOf(create(manifest, keepName));

    expect(message).toContain(row.apiServerMessage ?? row.wantMessage);
  });

  it.each(immutableUpdates)("when an update changes $name, rejects it", async (row) => {
    const stored = await create(contract(row.kind));
    const updated = structuredClone(stored);
    row.change(updated);

    const message = await rejectionOf(
      api.replaceNamespacedCustomObject({
        ...target(row.kind),
        name: String(stored.metadata.name),
        body: updated,
      }),
    );

    expect(message).toContain(row.wantMessage);
  });

  it("when every example is applied (in the test's namespace), accepts it", async () => {
    const examplesDir = join(import.meta.dirname, "..", "..", "examples");
    const docs = readdirSync(examplesDir)
      .filter((name) => name.endsWith(".yaml")) // folders hold files for other tools
      .sort()
      .flatMap((file) =>
        parseAllDocuments(readFileSync(join(examplesDir, file), "utf8")).map(
          (d) => d.toJS() as Manifest,
        ),
      )
      .filter((doc) => doc.kind !== "Namespace");

    for (const doc of docs) {
      const applied = await applyObject<KubernetesObject>(kc, {
        ...doc,
        metadata: { ...doc.metadata, namespace },
      });
      expect(applied.metadata?.uid).toBeDefined();
    }
    expect(docs.length).toBeGreaterThanOrEqual(6);
  });

  it("when the status subresource is written, keeps spec and status apart", async () => {
    const stored = await create(contract("InferenceRoute"));
    const name = String(stored.metadata.name);
    const status = {
      observedGeneration: 1,
      variants: [
        { name: "stable", weight: 90 },
        { name: "candidate", weight: 10 },
      ],
    };

    await api.replaceNamespacedCustomObjectStatus({
      ...target("InferenceRoute"),
      name,
      body: {
        ...stored,
        spec: { ...stored.spec, model: "ignored-by-the-status-subresource" },
        status,
      },
    });
    const read = (await api.getNamespacedCustomObject({
      ...target("InferenceRoute"),
      name,
    })) as Manifest;

    expect(read.status).toEqual(status);
    expect(read.spec.model).toBe("arxiv-classifier");
    expect(read.metadata.generation).toBe(1);
  });
});
