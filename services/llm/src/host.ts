// What the HTTP layer serves from: the engine once loaded, or the reason it is not ready.
// The server listens before the model loads, so liveness answers at once and readiness
// tells why it is not ready (a corrupt or missing model names the problem).
import { Classifier } from "./classify/classifier.js";
import type { LabelConfig } from "./classify/classifier.js";
import { LlamaEngine } from "./engine/llama-engine.js";
import type { EngineOptions } from "./engine/llama-engine.js";
import { HttpError, notReady } from "./errors.js";
import type { LoadState } from "./metrics.js";

type State =
  | { phase: "loading" }
  | { phase: "ready"; engine: LlamaEngine; classifier: Classifier | undefined }
  | { phase: "failed"; reason: string }
  | { phase: "stopped" };

export class ModelHost implements LoadState {
  private state: State = { phase: "loading" };

  constructor(
    readonly name: string,
    readonly labels: LabelConfig | undefined,
  ) {}

  /** Loads the model; a failure is kept as the not-ready reason, never thrown. */
  async load(resolveOptions: () => Promise<EngineOptions>): Promise<void> {
    try {
      const engine = await LlamaEngine.load(await resolveOptions());
      const classifier = this.labels ? new Classifier(engine, this.labels) : undefined;
      this.state = { phase: "ready", engine, classifier };
    } catch (error) {
      this.state = {
        phase: "failed",
        reason: error instanceof Error ? error.message : String(error),
      };
    }
  }

  get notReadyReason(): string | undefined {
    switch (this.state.phase) {
      case "ready":
        return undefined;
      case "loading":
        return "the model is loading";
      case "failed":
        return `the model failed to load: ${this.state.reason}`;
      case "stopped":
        return "the server is shutting down";
    }
  }

  engine(): LlamaEngine {
    if (this.state.phase !== "ready") throw notReady(this.notReadyReason ?? "not ready");
    return this.state.engine;
  }

  classifier(): Classifier {
    this.engine();
    if (this.state.phase !== "ready" || !this.state.classifier)
      throw new HttpError(
        400,
        "this model has no label set; start it with --labels or a config with labels",
      );
    return this.state.classifier;
  }

  ready(): boolean {
    return this.state.phase === "ready";
  }

  waiting(): number {
    return this.state.phase === "ready" ? this.state.engine.admission.waiting : 0;
  }

  inFlight(): number {
    if (this.state.phase !== "ready") return 0;
    return [...this.state.engine.variants.values()].reduce((sum, v) => sum + v.pool.inFlight, 0);
  }

  /** Refuses new work, waits for the running requests, frees the model. */
  async stop(): Promise<void> {
    const state = this.state;
    this.state = { phase: "stopped" };
    if (state.phase === "ready") await state.engine.dispose();
  }
}
