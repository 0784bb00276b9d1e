import { describe, expect, it } from "vitest";
import { StopScanner } from "./stop-scanner.js";

/** Feeds growing prefixes of `pieces` joined, as generation re-decodes all tokens each step. */
function run(stops: string[], pieces: string[]) {
  const scanner = new StopScanner(stops);
  let text = "";
  const sent: string[] = [];
  for (const piece of pieces) {
    text += piece;
    const step = scanner.push(text);
    sent.push(step.emit);
    if (step.stopped) return { sent, stopped: true };
  }
  sent.push(scanner.flush(text));
  return { sent, stopped: false };
}

describe("StopScanner", () => {
  it("when there are no stops, sends every piece as it comes", () => {
    expect(run([], ["a", "b", "c"])).toEqual({ sent: ["a", "b", "c", ""], stopped: false });
  });

  it("when a stop sequence spans pieces, holds back its prefix and never sends the stop", () => {
    expect(run(["END"], ["ab", "cE", "N", "Dxyz"])).toEqual({
      sent: ["ab", "c", "", ""],
      stopped: true,
    });
  });

  it("when a held-back prefix turns out not to be a stop, sends it with the next piece", () => {
    expect(run(["END"], ["aE", "Nx"]).sent.join("")).toBe("aENx");
  });

  it("when the earliest of several stops matches, cuts there", () => {
    expect(run(["zz", "b"], ["aab", "zz"])).toEqual({ sent: ["aa"], stopped: true });
  });

  it("when the text ends in an incomplete UTF-8 character, waits for the next token", () => {
    const scanner = new StopScanner([]);

    // Re-decoding all tokens turns the half character into the whole one.
    const sent = [scanner.push("h\uFFFD").emit, scanner.push("hé").emit, scanner.flush("hé")];

    expect(sent).toEqual(["h", "é", ""]);
  });
});
