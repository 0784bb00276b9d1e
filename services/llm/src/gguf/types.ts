// The GGUF value types, as numbered in the file format (ggml's gguf.h).
export const GgufType = {
  u8: 0,
  i8: 1,
  u16: 2,
  i16: 3,
  u32: 4,
  i32: 5,
  f32: 6,
  bool: 7,
  string: 8,
  array: 9,
  u64: 10,
  i64: 11,
  f64: 12,
} as const;
export type GgufScalarName = Exclude<keyof typeof GgufType, "array">;

/** A metadata value as read: numbers (u64/i64 as bigint), booleans, strings, or arrays of them. */
export type GgufValue = number | bigint | boolean | string | GgufValue[];

/** A metadata value to write, with its on-disk type spelled out. */
export type GgufTyped =
  | { type: GgufScalarName; value: number | bigint | boolean | string }
  | { type: "array"; of: GgufScalarName; value: (number | bigint | boolean | string)[] };

export interface GgufTensorInfo {
  name: string;
  /** ggml order: dims[0] is the contiguous (innermost) dimension. */
  dims: number[];
  /** ggml type id (0 = F32, 1 = F16, ...). */
  ggmlType: number;
  /** Byte offset from the start of the tensor data section. */
  offset: number;
}

export interface GgufHeader {
  version: number;
  metadata: Map<string, GgufValue>;
  tensors: GgufTensorInfo[];
  /** Byte offset of the tensor data section in the file. */
  dataOffset: number;
}

export const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
export const GGUF_DEFAULT_ALIGNMENT = 32;
export const GGML_TYPE_F32 = 0;
