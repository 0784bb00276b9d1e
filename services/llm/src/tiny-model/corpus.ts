// The small corpus the tiny model's tokenizer is learned from: arXiv-style titles with
// their category, in the shape the classify prompt uses. Written by the project, so
// nothing is downloaded.
export const TINY_LABELS = ["cs.AI", "cs.CL", "cs.CV", "cs.LG", "stat.ML"] as const;

const TITLES: Record<(typeof TINY_LABELS)[number], string[]> = {
  "cs.AI": [
    "planning with symbolic agents in open worlds",
    "reasoning about actions and knowledge",
    "a search algorithm for constraint satisfaction",
    "multi agent negotiation with learned utilities",
  ],
  "cs.CL": [
    "a language model for low resource translation",
    "parsing long documents with sparse attention",
    "question answering over scientific text",
    "tokenization choices and their effect on language models",
  ],
  "cs.CV": [
    "image segmentation with vision transformers",
    "object detection in aerial images",
    "video representation learning from motion",
    "depth estimation from a single image",
  ],
  "cs.LG": [
    "a study of optimization for deep networks",
    "learning rate schedules for large batch training",
    "low rank adaptation of large models",
    "graph neural networks for molecule property prediction",
  ],
  "stat.ML": [
    "bayesian inference with variational methods",
    "a kernel method for two sample testing",
    "generalization bounds for stochastic gradient descent",
    "causal effect estimation from observational data",
  ],
};

/** One line per title: "Title: <title>\nCategory: <label>", the classify prompt's shape. */
export function corpusLines(): string[] {
  return TINY_LABELS.flatMap((label) =>
    TITLES[label].map((title) => `Title: ${title}\nCategory: ${label}`),
  );
}
