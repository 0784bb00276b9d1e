// The one model this process serves and its lifecycle: loading → ready (after a warm-up
// inference) or failed with a reason that /v2/health/ready reports.
import { rm } from "node:fs/promises";
import type { Classifier } from "./inference/classifier.js";
import { Classifier as ClassifierImpl } from "./inference/classifier.js";
import type { EncoderConfig } from "./config.js";
import type { LoadedModel } from "./model/load.js";
import { loadModel } from "./model/load.js";
import type { EncoderMetrics } from "./metrics.js";

export type ModelState =
  | { status: "loading"; reason: string }
  | { status: "failed"; reason: string }
  | { status: "ready"; classifier: Classifier; model: LoadedModel };

const WARM_UP_TEXT =
  "A short warm-up document, so the first real request does not pay for lazy setup.";

export class ModelHost {
  state: ModelState = { status: "loading", reason: "the model is loading" };

  constructor(
    readonly config: EncoderConfig,
    private readonly metrics: EncoderMetrics,
  ) {}

  get name(): string {
    return this.config.name;
  }

  get version(): string {
    return this.config.version;
  }

  private labels(): { model: string; version: string } {
    return { model: this.name, version: this.version };
  }

  /** Loads and warms up the model; never throws: a failure is a state with a reason. */
  async load(): Promise<ModelState> {
    this.metrics.modelLoaded.set(this.labels(), 0);
    try {
      const model = await loadModel({
        location: this.config.model,
        threads: this.config.threads,
        ...(this.config.digest ? { digest: this.config.digest } : {}),
      });
      const classifier = new ClassifierImpl(model, this.config, {
        batch: (size, seconds) => {
          this.metrics.batchSize.observe(this.labels(), size);
          this.metrics.inferenceDuration.observe(this.labels(), seconds);
          this.metrics.windows.inc(this.labels(), size);
        },
        document: (tokens) => {
          this.metrics.tokens.inc(this.labels(), tokens);
        },
      });
      await classifier.classify([{ id: "warm-up", text: WARM_UP_TEXT }], 1);
      this.state = { status: "ready", classifier, model };
      this.metrics.modelLoaded.set(this.labels(), 1);
      model.session.onLost?.((reason) => {
        this.state = { status: "failed", reason };
        this.metrics.modelLoaded.set(this.labels(), 0);
      });
    } catch (error) {
      this.state = {
        status: "failed",
        reason: error instanceof Error ? error.message : String(error),
      };
    }
    return this.state;
  }

  async close(): Promise<void> {
    if (this.state.status !== "ready") return;
    const { session, dir, temporary } = this.state.model;
    await session.release();
    if (temporary) await rm(dir, { recursive: true, force: true });
  }
}
