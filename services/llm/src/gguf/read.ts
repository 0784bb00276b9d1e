// A GGUF header reader (metadata and tensor infos, never tensor data), so a file can be
// checked before llama.cpp sees it: llama.cpp aborts the whole process on some missing
// keys instead of returning an error.
import { open } from "node:fs/promises";
import { GGUF_DEFAULT_ALIGNMENT, GGUF_MAGIC, GgufType } from "./types.js";
import type { GgufHeader, GgufTensorInfo, GgufValue } from "./types.js";

/** Thrown when the buffer ends before the header does; the caller reads more and retries. */
export class TruncatedHeader extends Error {}

const MAX_ARRAY_ITEMS = 16_000_000;
const MAX_DIMS = 4;

class Cursor {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}
  get position(): number {
    return this.pos;
  }
  private take(n: number): number {
    if (this.pos + n > this.buf.length) throw new TruncatedHeader("GGUF header is truncated");
    const at = this.pos;
    this.pos += n;
    return at;
  }
  u8 = () => this.buf.readUInt8(this.take(1));
  i8 = () => this.buf.readInt8(this.take(1));
  u16 = () => this.buf.readUInt16LE(this.take(2));
  i16 = () => this.buf.readInt16LE(this.take(2));
  u32 = () => this.buf.readUInt32LE(this.take(4));
  i32 = () => this.buf.readInt32LE(this.take(4));
  f32 = () => this.buf.readFloatLE(this.take(4));
  f64 = () => this.buf.readDoubleLE(this.take(8));
  u64 = () => this.buf.readBigUInt64LE(this.take(8));
  i64 = () => this.buf.readBigInt64LE(this.take(8));
  /** A u64 that must fit a JS number (counts, sizes, offsets). */
  size(what: string): number {
    const value = this.u64();
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`GGUF ${what} is too large`);
    return Number(value);
  }
  string(): string {
    const length = this.size("string length");
    const at = this.take(length);
    return this.buf.toString("utf8", at, at + length);
  }
}

const SCALAR_READERS: Record<number, (c: Cursor) => GgufValue> = {
  [GgufType.u8]: (c) => c.u8(),
  [GgufType.i8]: (c) => c.i8(),
  [GgufType.u16]: (c) => c.u16(),
  [GgufType.i16]: (c) => c.i16(),
  [GgufType.u32]: (c) => c.u32(),
  [GgufType.i32]: (c) => c.i32(),
  [GgufType.f32]: (c) => c.f32(),
  [GgufType.bool]: (c) => c.u8() !== 0,
  [GgufType.string]: (c) => c.string(),
  [GgufType.u64]: (c) => c.u64(),
  [GgufType.i64]: (c) => c.i64(),
  [GgufType.f64]: (c) => c.f64(),
};

function readValue(c: Cursor, type: number, key: string): GgufValue {
  if (type === GgufType.array) {
    const itemType = c.u32();
    const count = c.size("array length");
    if (itemType === GgufType.array || count > MAX_ARRAY_ITEMS)
      throw new Error(`GGUF key "${key}" has an unsupported array`);
    return Array.from({ length: count }, () => readValue(c, itemType, key));
  }
  const reader = SCALAR_READERS[type];
  if (!reader) throw new Error(`GGUF key "${key}" has unknown value type ${type}`);
  return reader(c);
}

function readTensorInfo(c: Cursor): GgufTensorInfo {
  const name = c.string();
  const nDims = c.u32();
  if (nDims < 1 || nDims > MAX_DIMS) throw new Error(`GGUF tensor "${name}" has ${nDims} dims`);
  const dims = Array.from({ length: nDims }, () => c.size(`tensor "${name}" dim`));
  return { name, dims, ggmlType: c.u32(), offset: c.size(`tensor "${name}" offset`) };
}

/** Parses a GGUF header from the start of a file; throws TruncatedHeader if `buf` is too short. */
export function parseGgufHeader(buf: Buffer): GgufHeader {
  const c = new Cursor(buf);
  if (c.u32() !== GGUF_MAGIC) throw new Error("not a GGUF file (bad magic)");
  const version = c.u32();
  if (version !== 2 && version !== 3) throw new Error(`unsupported GGUF version ${version}`);
  const tensorCount = c.size("tensor count");
  const kvCount = c.size("metadata count");
  const metadata = new Map<string, GgufValue>();
  for (let i = 0; i < kvCount; i++) {
    const key = c.string();
    metadata.set(key, readValue(c, c.u32(), key));
  }
  const tensors = Array.from({ length: tensorCount }, () => readTensorInfo(c));
  const alignment = metadata.get("general.alignment") ?? GGUF_DEFAULT_ALIGNMENT;
  if (typeof alignment !== "number" || alignment <= 0 || alignment % 8 !== 0)
    throw new Error("GGUF general.alignment must be a positive multiple of 8");
  const dataOffset = Math.ceil(c.position / alignment) * alignment;
  return { version, metadata, tensors, dataOffset };
}

/** Reads just enough of a file to parse its header, growing the read until it fits. */
export async function readGgufHeader(
  path: string,
): Promise<{ header: GgufHeader; fileSize: number }> {
  const handle = await open(path, "r");
  try {
    const fileSize = (await handle.stat()).size;
    for (let length = Math.min(fileSize, 1 << 20); ; length = Math.min(fileSize, length * 4)) {
      const buf = Buffer.alloc(length);
      await handle.read(buf, 0, length, 0);
      try {
        return { header: parseGgufHeader(buf), fileSize };
      } catch (error) {
        if (!(error instanceof TruncatedHeader) || length === fileSize) throw error;
      }
    }
  } finally {
    await handle.close();
  }
}
