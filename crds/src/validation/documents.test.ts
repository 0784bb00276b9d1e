import { describe, expect, it } from "vitest";
import { validateYamlStream } from "./documents.js";
import { formatFieldError } from "./field-error.js";

const messages = (text: string) =>
  validateYamlStream(text).map((report) => [report.subject, report.errors.map(formatFieldError)]);

const poolsConfigMap = (pools: string) => `
apiVersion: v1
kind: ConfigMap
metadata: {name: kubetune-gpu-pools, namespace: kubetune-system}
data:
  pools.yaml: |
${pools.replace(/^/gm, "    ")}
`;

describe("validateYamlStream", () => {
  it("when a document is not YAML, reports its position instead of throwing", () => {
    const [[subject, errors]] = messages("kind: [unclosed\n") as [[string, string[]]];

    expect(subject).toBe("document 1");
    expect(errors[0]).toContain("Invalid value");
  });

  it("when a document is of another API, skips it and says why", () => {
    expect(validateYamlStream("apiVersion: v1\nkind: Namespace\nmetadata: {name: ml}\n")).toEqual([
      { subject: "Namespace ml", errors: [], skipped: "not a kubetune kind" },
    ]);
  });

  it("when a kubetune kind has an unknown version, says which kinds it knows", () => {
    expect(
      messages("apiVersion: kubetune.io/v1\nkind: InferenceRoute\nmetadata: {name: r}\n"),
    ).toEqual([
      [
        "InferenceRoute r",
        [
          expect.stringContaining(
            'kind: Unsupported value: "kubetune.io/v1 InferenceRoute": supported kinds: kubetune.io/v1alpha1 FineTuneJob',
          ),
        ],
      ],
    ]);
  });

  it("when the stream has empty documents, skips them", () => {
    expect(validateYamlStream("---\n---\n")).toEqual([]);
  });

  it("when the GPU-pool ConfigMap lacks pools.yaml, says so", () => {
    const text =
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kubetune-gpu-pools}\ndata: {}\n";

    expect(messages(text)).toEqual([
      ["ConfigMap kubetune-gpu-pools", ["data[pools.yaml]: Required value: the GPU pools as YAML"]],
    ]);
  });

  it("when two GPU pools share a name, rejects the second", () => {
    const pool =
      '- {name: t4, gpuType: Tesla-T4, gpuMemoryGiB: 16, bf16: false, nodeSelector: {}, pricePerHour: "0.53"}';

    const [[, errors]] = messages(poolsConfigMap(`pools:\n  ${pool}\n  ${pool}`)) as [
      [string, string[]],
    ];

    expect(errors).toEqual(['data[pools.yaml].pools[1]: Duplicate value: {"name":"t4"}']);
  });

  it("when a GPU pool's memory is written as text, rejects it", () => {
    const pool =
      '- {name: t4, gpuType: Tesla-T4, gpuMemoryGiB: 16GiB, bf16: false, nodeSelector: {}, pricePerHour: "0.53"}';

    const [[, errors]] = messages(poolsConfigMap(`pools:\n  ${pool}`)) as [[string, string[]]];

    expect(errors).toEqual([
      expect.stringContaining("data[pools.yaml].pools[0].gpuMemoryGiB: Invalid value"),
    ]);
  });
});
