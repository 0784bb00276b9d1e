// A batch of windows as two typed arrays, so the hop to the model worker moves (transfers)
// two buffers instead of structured-cloning an array of arrays element by element, and the
// worker builds its int64 tensors from flat memory.
export interface PackedWindows {
  /** Every window's token ids, back to back. */
  ids: Int32Array;
  /** Each window's length, in order. */
  lengths: Int32Array;
}

export function packWindows(windows: readonly (readonly number[])[]): PackedWindows {
  let total = 0;
  for (const window of windows) total += window.length;
  const ids = new Int32Array(total);
  const lengths = new Int32Array(windows.length);
  let at = 0;
  windows.forEach((window, row) => {
    ids.set(window, at);
    at += window.length;
    lengths[row] = window.length;
  });
  return { ids, lengths };
}

/** The buffers to transfer with a PackedWindows message. */
export function transferList(packed: PackedWindows): ArrayBuffer[] {
  return [packed.ids.buffer as ArrayBuffer, packed.lengths.buffer as ArrayBuffer];
}

/** Row-major [batch, seq] int64 tensors, padded to the longest window with padId / mask 0. */
export function batchTensors(
  packed: PackedWindows,
  padId: number,
): { ids: BigInt64Array; mask: BigInt64Array; dims: [number, number] } {
  const rows = packed.lengths.length;
  const seq = packed.lengths.reduce((max, length) => Math.max(max, length), 0);
  const ids = new BigInt64Array(rows * seq).fill(BigInt(padId));
  const mask = new BigInt64Array(rows * seq);
  let from = 0;
  for (let row = 0; row < rows; row++) {
    const length = packed.lengths[row] ?? 0;
    for (let t = 0; t < length; t++) {
      ids[row * seq + t] = BigInt(packed.ids[from + t] ?? padId);
      mask[row * seq + t] = 1n;
    }
    from += length;
  }
  return { ids, mask, dims: [rows, seq] };
}
