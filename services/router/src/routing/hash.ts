// A fast, well-mixed 32-bit string hash for sticky routing (not for security): FNV-1a over
// UTF-16 code units, finished with MurmurHash3's avalanche so nearby keys spread evenly.

export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The hash mapped into the open interval (0, 1). */
export function unitHash(text: string): number {
  return (hash32(text) + 0.5) / 4294967296;
}
