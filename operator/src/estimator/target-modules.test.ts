import { describe, expect, it } from "vitest";
import { KNOWN_ARCHITECTURES } from "./architectures.js";
import { EstimatorInputError } from "./errors.js";
import { ALL_LINEAR, QKVO } from "./spec-builder.js";
import { loraParameters, resolveTargetModules } from "./target-modules.js";

const shape = (name: string) => {
  const arch = KNOWN_ARCHITECTURES.find((a) => a.name === name);
  if (arch === undefined) throw new Error(`no shape ${name}`);
  return arch;
};

const FIELD = "spec.lora.targetModules";

describe("resolveTargetModules", () => {
  it.each([
    { names: ["q_proj", "v_proj"], family: "decoder", want: ["q", "v"] },
    { names: ALL_LINEAR, family: "decoder", want: ["q", "k", "v", "o", "gate", "up", "down"] },
    { names: ["all-linear"], family: "decoder", want: ["q", "k", "v", "o", "gate", "up", "down"] },
    { names: ["self_attn.q_proj", "mlp.down_proj"], family: "decoder", want: ["q", "down"] },
    { names: ["v_proj", "q_proj", "q_proj"], family: "decoder", want: ["q", "v"] },
    { names: ["query", "key", "value"], family: "encoder", want: ["q", "k", "v"] },
    { names: ["dense"], family: "encoder", want: ["o", "up", "down"] },
    { names: ["output.dense"], family: "encoder", want: ["o", "down"] },
    { names: ["attention.output.dense"], family: "encoder", want: ["o"] },
    {
      names: ["q_lin", "v_lin", "lin1", "lin2"],
      family: "encoder",
      want: ["q", "v", "up", "down"],
    },
  ] as const)("when the names are $names on a $family, adapts $want", ({ names, family, want }) => {
    expect(resolveTargetModules(names, family, FIELD)).toEqual(want);
  });

  it.each([
    { names: ["q_proj", "c_attn"], family: "decoder", wantField: `${FIELD}[1]` },
    { names: ["query"], family: "decoder", wantField: `${FIELD}[0]` },
    { names: ["gate_proj"], family: "encoder", wantField: `${FIELD}[0]` },
    { names: ["*_proj"], family: "decoder", wantField: `${FIELD}[0]` },
  ] as const)(
    "when $names holds a name the $family lacks, throws naming $wantField and the known names",
    ({ names, family, wantField }) => {
      const attempt = () => resolveTargetModules(names, family, FIELD);

      expect(attempt).toThrow(EstimatorInputError);
      expect(attempt).toThrow(
        new RegExp(`^${wantField.replace(/[[\].]/g, "\\$&")}: .*known names`),
      );
    },
  );
});

describe("loraParameters", () => {
  // The trainable-parameter counts PEFT prints for these adapters.
  it.each([
    { arch: "Llama-3-8B", modules: QKVO, r: 16, want: 13_631_488 },
    { arch: "Mistral-7B", modules: ALL_LINEAR, r: 16, want: 41_943_040 },
    { arch: "Llama-3-8B", modules: ["q_proj", "v_proj"], r: 8, want: 3_407_872 },
    { arch: "BERT-base", modules: ["query", "value"], r: 8, want: 294_912 },
  ])("when $modules at rank $r adapt $arch, counts $want parameters", (row) => {
    const arch = shape(row.arch);
    const projections = resolveTargetModules(row.modules, arch.family, FIELD);

    expect(loraParameters(arch, projections, row.r)).toBe(row.want);
  });

  it("when the rank doubles, the adapter parameters double", () => {
    const arch = shape("Llama-3-8B");
    const projections = resolveTargetModules(QKVO, arch.family, FIELD);

    expect(loraParameters(arch, projections, 32)).toBe(2 * loraParameters(arch, projections, 16));
  });
});
