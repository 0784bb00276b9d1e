import { describe, expect, it } from "vitest";
import { TruncatedHeader, parseGgufHeader } from "./read.js";
import type { GgufTyped } from "./types.js";
import { validateAdapterHeader, validateModelHeader } from "./validate.js";
import { encodeGguf } from "./write.js";
import type { F32Tensor } from "./write.js";

const u32 = (value: number): GgufTyped => ({ type: "u32", value });
const str = (value: string): GgufTyped => ({ type: "string", value });
const tensor = (name: string, dims: number[]): F32Tensor => ({
  name,
  dims,
  data: new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5),
});

function modelKv(omit: string[] = []): [string, GgufTyped][] {
  const kv: [string, GgufTyped][] = [
    ["general.architecture", str("llama")],
    ["llama.context_length", u32(128)],
    ["llama.embedding_length", u32(8)],
    ["llama.block_count", u32(1)],
    ["llama.feed_forward_length", u32(16)],
    ["llama.attention.head_count", u32(2)],
    ["tokenizer.ggml.tokens", { type: "array", of: "string", value: ["<unk>", "a"] }],
    ["tokenizer.ggml.scores", { type: "array", of: "f32", value: [0, -1.5] }],
    ["tokenizer.ggml.add_bos_token", { type: "bool", value: true }],
    ["big", { type: "u64", value: 2n ** 40n }],
  ];
  return kv.filter(([key]) => !omit.includes(key));
}

const parse = (buf: Buffer) => ({ header: parseGgufHeader(buf), size: buf.length });

describe("GGUF reader and writer", () => {
  it("when a file is written, its metadata and tensor infos read back unchanged", () => {
    const buf = encodeGguf(modelKv(), [tensor("a.weight", [8, 3]), tensor("b.weight", [5])]);

    const header = parseGgufHeader(buf);

    expect(header.version).toBe(3);
    expect(header.metadata.get("llama.block_count")).toBe(1);
    expect(header.metadata.get("tokenizer.ggml.tokens")).toEqual(["<unk>", "a"]);
    expect(header.metadata.get("tokenizer.ggml.scores")).toEqual([0, -1.5]);
    expect(header.metadata.get("tokenizer.ggml.add_bos_token")).toBe(true);
    expect(header.metadata.get("big")).toBe(2n ** 40n);
    expect(header.tensors).toEqual([
      { name: "a.weight", dims: [8, 3], ggmlType: 0, offset: 0 },
      { name: "b.weight", dims: [5], ggmlType: 0, offset: 96 },
    ]);
    expect(header.dataOffset % 32).toBe(0);
    expect(buf.readFloatLE(header.dataOffset)).toBe(0.5);
  });

  it("when the buffer ends inside the header, throws TruncatedHeader so the caller reads more", () => {
    const buf = encodeGguf(modelKv(), [tensor("a.weight", [8])]);

    expect(() => parseGgufHeader(buf.subarray(0, 40))).toThrow(TruncatedHeader);
  });

  it("when the magic is wrong, says it is not a GGUF file", () => {
    expect(() => parseGgufHeader(Buffer.from("not a gguf file at all"))).toThrow(/not a GGUF file/);
  });

  it("when tensor dims do not match the data, refuses to write", () => {
    expect(() => encodeGguf([], [{ name: "x", dims: [3], data: new Float32Array(2) }])).toThrow(
      /dims/,
    );
  });
});

describe("GGUF validation", () => {
  it("when a llama model has every hyperparameter, returns its architecture", () => {
    const { header, size } = parse(encodeGguf(modelKv(), [tensor("a", [8])]));

    expect(validateModelHeader(header, size)).toEqual({ architecture: "llama" });
  });

  it.each([
    ["llama.feed_forward_length", /missing or invalid llama.feed_forward_length/],
    ["llama.attention.head_count", /missing or invalid llama.attention.head_count/],
    ["general.architecture", /no general.architecture/],
    ["tokenizer.ggml.tokens", /missing tokenizer.ggml.tokens/],
  ])("when %s is missing, refuses the model with that reason", (key, want) => {
    const { header, size } = parse(encodeGguf(modelKv([key]), [tensor("a", [8])]));

    expect(() => validateModelHeader(header, size)).toThrow(want);
  });

  it("when the file is cut short, refuses the tensors that lie past its end", () => {
    const buf = encodeGguf(modelKv(), [tensor("a", [8]), tensor("b", [64])]);
    const { header } = parse(buf);

    expect(() => validateModelHeader(header, buf.length - 100)).toThrow(
      /tensor b lies past the end/,
    );
  });

  const adapterKv = (arch: string): [string, GgufTyped][] => [
    ["general.architecture", str(arch)],
    ["general.type", str("adapter")],
    ["adapter.type", str("lora")],
    ["adapter.lora.alpha", { type: "f32", value: 8 }],
  ];

  it("when a LoRA adapter pairs every lora_a with a lora_b for the base architecture, accepts it", () => {
    const buf = encodeGguf(adapterKv("llama"), [
      tensor("w.lora_a", [8, 2]),
      tensor("w.lora_b", [2, 8]),
    ]);

    expect(() => {
      validateAdapterHeader(parseGgufHeader(buf), buf.length, "llama");
    }).not.toThrow();
  });

  it.each([
    [
      "another architecture",
      adapterKv("qwen2"),
      ["w.lora_a", "w.lora_b"],
      /does not match the base llama/,
    ],
    ["an unpaired tensor", adapterKv("llama"), ["w.lora_a"], /unpaired LoRA tensors: w.lora_a/],
    [
      "a model instead of an adapter",
      modelKv(),
      ["w.lora_a", "w.lora_b"],
      /general.type is not adapter/,
    ],
  ])("when the adapter has %s, refuses it", (_case, kv, names, want) => {
    const buf = encodeGguf(
      kv,
      names.map((n) => tensor(n, [4])),
    );

    expect(() => {
      validateAdapterHeader(parseGgufHeader(buf), buf.length, "llama");
    }).toThrow(want);
  });
});
