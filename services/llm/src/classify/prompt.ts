// The classify prompt and grammar for a label set. The template comes from the model's
// configuration; `{labels}` lists the label set and `{text}` is the document (window).
export const DEFAULT_CLASSIFY_PROMPT =
  "Classify the document into one of these categories: {labels}.\nDocument: {text}\nCategory:";

export interface PromptParts {
  before: string;
  after: string;
}

export function promptParts(template: string, labels: readonly string[]): PromptParts {
  const at = template.indexOf("{text}");
  if (at < 0) throw new Error("the classify prompt template needs a {text} placeholder");
  const fill = (s: string) => s.replaceAll("{labels}", labels.join(", "));
  return { before: fill(template.slice(0, at)), after: fill(template.slice(at + "{text}".length)) };
}

const literal = (text: string) => JSON.stringify(text);

/** GBNF: one label, or (multi-label) a comma-separated set of at most all labels. */
export function labelGrammar(labels: readonly string[], multiLabel: boolean): string {
  const label = `label ::= ${labels.map(literal).join(" | ")}`;
  const root = multiLabel
    ? `root ::= " "? label ("," label){0,${labels.length - 1}}`
    : `root ::= " "? label`;
  return `${root}\n${label}`;
}

/** The labels in a constrained answer, in order, without duplicates. */
export function parseAnswer(answer: string, labels: readonly string[]): string[] {
  const known = new Set(labels);
  return [...new Set(answer.split(",").map((s) => s.trim()))].filter((s) => known.has(s));
}
