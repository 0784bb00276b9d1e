import { describe, expect, it } from "vitest";
import { batchTensors, packWindows, transferList } from "./packed-windows.js";

describe("packWindows", () => {
  it("when windows have different lengths, keeps their ids back to back and their lengths in order", () => {
    const packed = packWindows([[101, 7, 102], [101, 102], []]);
    expect([...packed.ids]).toEqual([101, 7, 102, 101, 102]);
    expect([...packed.lengths]).toEqual([3, 2, 0]);
    expect(transferList(packed)).toEqual([packed.ids.buffer, packed.lengths.buffer]);
  });
});

describe("batchTensors", () => {
  it("when windows have different lengths, pads each row to the longest with padId and mask 0", () => {
    const { ids, mask, dims } = batchTensors(
      packWindows([
        [101, 7, 102],
        [101, 102],
      ]),
      0,
    );
    expect(dims).toEqual([2, 3]);
    expect([...ids]).toEqual([101n, 7n, 102n, 101n, 102n, 0n]);
    expect([...mask]).toEqual([1n, 1n, 1n, 1n, 1n, 0n]);
  });

  it("when the pad id is not zero, pads with it", () => {
    const { ids } = batchTensors(packWindows([[5], [5, 6]]), 1);
    expect([...ids]).toEqual([5n, 1n, 5n, 6n]);
  });
});
