import { CLASSIFY_LIMITS } from "@kubetune/api";
import { describe, expect, it } from "vitest";
import { parseClassifyRequest } from "./classify-request.js";

describe("parseClassifyRequest", () => {
  it("when the request is valid, returns its documents with their full texts and topK defaulted to 3", () => {
    const text = "word ".repeat(10_000);

    expect(parseClassifyRequest({ documents: [{ id: "a", text }] }, 8)).toEqual({
      documents: [{ id: "a", text }],
      topK: 3,
    });
  });

  it("when a text has more characters than the contract allows, refuses it with the schema's wording", () => {
    const text = "x".repeat(CLASSIFY_LIMITS.maxTextLength + 1);

    expect(() => parseClassifyRequest({ documents: [{ id: "a", text }] }, 8)).toThrow(
      "invalid classify request: documents[0].text: Too long: may not be more than 2000000 bytes",
    );
  });

  it("when a text is longer in UTF-16 units than the limit but not in characters, accepts it", () => {
    const text = "😀".repeat(CLASSIFY_LIMITS.maxTextLength / 2 + 1);

    expect(parseClassifyRequest({ documents: [{ id: "a", text }] }, 8).documents[0]!.text).toBe(
      text,
    );
  });

  it.each([
    { body: { documents: [{ id: "a", text: 7 }] }, wantError: /documents\[0\]\.text/ },
    { body: { documents: [{ id: "", text: "x" }] }, wantError: /documents\[0\]\.id/ },
    { body: { documents: [{ id: "a", text: "x", extra: 1 }] }, wantError: /extra/ },
    { body: { documents: [{ id: "a", text: "x" }], topK: 101 }, wantError: /topK/ },
    { body: "text", wantError: /invalid classify request/ },
    {
      body: {
        documents: [
          { id: "a", text: "x" },
          { id: "b", text: "y" },
        ],
      },
      wantError: /too many documents: 2, this server takes at most 1/,
    },
    {
      body: { documents: [{ id: "a", text: "\u00a0\n" }] },
      wantError: /documents\[0\]\.text is empty or whitespace only/,
    },
  ])("when the body is $body, refuses it naming the problem", ({ body, wantError }) => {
    expect(() => parseClassifyRequest(body, 1)).toThrow(wantError);
  });
});
