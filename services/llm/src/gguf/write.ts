// A GGUF writer for F32 tensors: enough to write the project's own tiny model and its
// LoRA adapter without any Python tooling.
import { GGML_TYPE_F32, GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GgufType } from "./types.js";
import type { GgufScalarName, GgufTyped } from "./types.js";

export interface F32Tensor {
  name: string;
  /** ggml order: dims[0] is the contiguous dimension (a matrix's input size). */
  dims: number[];
  data: Float32Array;
}

type Scalar = number | bigint | boolean | string;

class Sink {
  readonly parts: Buffer[] = [];
  length = 0;
  push(buf: Buffer): void {
    this.parts.push(buf);
    this.length += buf.length;
  }
  private fixed(size: number, write: (b: Buffer) => void): void {
    const b = Buffer.alloc(size);
    write(b);
    this.push(b);
  }
  u32 = (v: number) => {
    this.fixed(4, (b) => b.writeUInt32LE(v));
  };
  u64 = (v: number | bigint) => {
    this.fixed(8, (b) => b.writeBigUInt64LE(BigInt(v)));
  };
  string = (v: string) => {
    const bytes = Buffer.from(v, "utf8");
    this.u64(bytes.length);
    this.push(bytes);
  };
  pad(alignment: number): void {
    const rest = this.length % alignment;
    if (rest !== 0) this.push(Buffer.alloc(alignment - rest));
  }
}

const SCALAR_WRITERS: Record<GgufScalarName, (s: Sink, v: Scalar) => void> = {
  u8: (s, v) => {
    s.push(Buffer.from([Number(v)]));
  },
  i8: (s, v) => {
    const b = Buffer.alloc(1);
    b.writeInt8(Number(v));
    s.push(b);
  },
  u16: (s, v) => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(Number(v));
    s.push(b);
  },
  i16: (s, v) => {
    const b = Buffer.alloc(2);
    b.writeInt16LE(Number(v));
    s.push(b);
  },
  u32: (s, v) => {
    s.u32(Number(v));
  },
  i32: (s, v) => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(Number(v));
    s.push(b);
  },
  f32: (s, v) => {
    const b = Buffer.alloc(4);
    b.writeFloatLE(Number(v));
    s.push(b);
  },
  bool: (s, v) => {
    s.push(Buffer.from([v === true ? 1 : 0]));
  },
  string: (s, v) => {
    s.string(String(v));
  },
  u64: (s, v) => {
    s.u64(BigInt(v));
  },
  i64: (s, v) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(BigInt(v));
    s.push(b);
  },
  f64: (s, v) => {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(Number(v));
    s.push(b);
  },
};

function writeKv(s: Sink, key: string, typed: GgufTyped): void {
  s.string(key);
  if (typed.type === "array") {
    s.u32(GgufType.array);
    s.u32(GgufType[typed.of]);
    s.u64(typed.value.length);
    for (const item of typed.value) SCALAR_WRITERS[typed.of](s, item);
    return;
  }
  s.u32(GgufType[typed.type]);
  SCALAR_WRITERS[typed.type](s, typed.value);
}

const alignUp = (n: number, alignment: number) => Math.ceil(n / alignment) * alignment;

/** Writes one tensor info; returns where the next tensor's data starts. */
function writeTensorInfo(s: Sink, tensor: F32Tensor, offset: number): number {
  const count = tensor.dims.reduce((a, b) => a * b, 1);
  if (count !== tensor.data.length)
    throw new Error(`tensor ${tensor.name}: dims do not match data`);
  s.string(tensor.name);
  s.u32(tensor.dims.length);
  for (const dim of tensor.dims) s.u64(dim);
  s.u32(GGML_TYPE_F32);
  s.u64(offset);
  return alignUp(offset + tensor.data.byteLength, GGUF_DEFAULT_ALIGNMENT);
}

/** Serialises metadata and F32 tensors into one GGUF v3 file image. */
export function encodeGguf(metadata: [string, GgufTyped][], tensors: F32Tensor[]): Buffer {
  const s = new Sink();
  s.u32(GGUF_MAGIC);
  s.u32(3);
  s.u64(tensors.length);
  s.u64(metadata.length);
  for (const [key, typed] of metadata) writeKv(s, key, typed);
  let offset = 0;
  for (const tensor of tensors) offset = writeTensorInfo(s, tensor, offset);
  s.pad(GGUF_DEFAULT_ALIGNMENT);
  for (const tensor of tensors) {
    s.push(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
    s.pad(GGUF_DEFAULT_ALIGNMENT);
  }
  return Buffer.concat(s.parts, s.length);
}
