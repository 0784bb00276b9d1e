import { describe, expect, it } from "vitest";
import { parseModelConfig } from "./model-config.js";

describe("parseModelConfig", () => {
  it("when id2label is keyed by string ids, returns labels in id order", () => {
    const config = parseModelConfig(
      JSON.stringify({
        id2label: { "1": "spam", "0": "ham" },
        problem_type: "multi_label_classification",
        max_position_embeddings: 512,
      }),
    );

    expect(config).toEqual({
      labels: ["ham", "spam"],
      problem: "multi_label_classification",
      maxPositions: 512,
    });
  });

  it("when problem_type is missing, treats the model as single-label like transformers does", () => {
    expect(parseModelConfig('{"id2label":{"0":"x"}}').problem).toBe("single_label_classification");
  });

  it.each([
    { text: "{", wantError: /not JSON/ },
    { text: "[]", wantError: /not a JSON object/ },
    { text: "{}", wantError: /no id2label/ },
    { text: '{"id2label":{"0":"a","5":"b"}}', wantError: /id "5" outside 0..1/ },
    { text: '{"id2label":{"0":3}}', wantError: /is not a string/ },
    {
      text: '{"id2label":{"0":"a"},"problem_type":"regression"}',
      wantError: /problem_type "regression"/,
    },
  ])("when config.json is $text, refuses it naming the problem", ({ text, wantError }) => {
    expect(() => parseModelConfig(text)).toThrow(wantError);
  });
});
