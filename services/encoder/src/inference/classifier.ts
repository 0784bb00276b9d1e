// One model, ready to answer: documents → tokens → windows → micro-batched runs →
// per-document aggregation. A document contributes at most one batch of windows at a
// time, so its memory stays bounded however long it is.
import type { ClassifyDocument, ClassifyResult } from "@kubetune/api";
import type { SpanContext } from "@opentelemetry/api";
import { trace } from "@opentelemetry/api";
import type { LoadedModel } from "../model/load.js";
import { inSpan, tracer } from "../tracing.js";
import type { Aggregation } from "./aggregate.js";
import { WindowTally, answer, probabilities } from "./aggregate.js";
import { MicroBatcher } from "./batcher.js";
import type { WindowPlan } from "./windows.js";
import { planWindows, windowRanges } from "./windows.js";

export interface InferenceSettings {
  windowTokens: number;
  overlap: number;
  aggregation: Aggregation;
  /** Multi-label models: a label is predicted at or above this probability. */
  threshold: number;
  maxBatchSize: number;
  /** Bounds a run's batch size × longest window (its padded size), and so its memory. */
  maxBatchTokens: number;
  maxWaitMs: number;
}

export interface InferenceObserver {
  batch(size: number, seconds: number): void;
  document(tokens: number, windows: number): void;
}

interface WindowItem {
  ids: number[];
  link: SpanContext | undefined;
}

export class Classifier {
  readonly plan: WindowPlan;
  private readonly batcher: MicroBatcher<WindowItem, Float32Array>;
  private readonly windowsInFlight: number;

  constructor(
    private readonly model: LoadedModel,
    private readonly settings: InferenceSettings,
    private readonly observer: InferenceObserver,
  ) {
    const { prefix, suffix } = model.tokenizer;
    const windowTokens = Math.min(settings.windowTokens, model.config.maxPositions ?? Infinity);
    this.plan = planWindows(windowTokens, prefix.length + suffix.length, settings.overlap);
    this.batcher = new MicroBatcher((items) => this.runBatch(items), {
      maxBatchSize: settings.maxBatchSize,
      maxBatchTokens: settings.maxBatchTokens,
      tokensOf: (item) => item.ids.length,
      maxWaitMs: settings.maxWaitMs,
    });
    // A long document has at most one batch of windows in flight (bounded memory): as many
    // full windows as one batch may hold.
    this.windowsInFlight = Math.max(
      1,
      Math.min(settings.maxBatchSize, Math.floor(settings.maxBatchTokens / windowTokens)),
    );
  }

  get queueDepth(): number {
    return this.batcher.depth;
  }

  get labels(): readonly string[] {
    return this.model.config.labels;
  }

  private async runBatch(items: readonly WindowItem[]): Promise<Float32Array[]> {
    const links = items.flatMap((item) => (item.link ? [{ context: item.link }] : []));
    const span = tracer().startSpan("encoder.infer", {
      links,
      attributes: { "batch.size": items.length },
    });
    const started = performance.now();
    try {
      const logits = await this.model.session.run(items.map((item) => item.ids));
      const width = this.model.config.labels.length;
      const bad = logits.find((row) => row.length !== width);
      if (bad)
        throw new Error(
          `model.onnx returned ${bad.length} logits for ${width} labels in config.json`,
        );
      return logits;
    } finally {
      span.end();
      this.observer.batch(items.length, (performance.now() - started) / 1000);
    }
  }

  private async classifyTokens(
    ids: readonly number[],
    topK: number,
  ): Promise<Omit<ClassifyResult, "id">> {
    const { prefix, suffix } = this.model.tokenizer;
    const tally = new WindowTally(this.labels.length);
    const link = trace.getActiveSpan()?.spanContext();
    let chunk: Promise<Float32Array>[] = [];
    const drain = async () => {
      for (const logits of await Promise.all(chunk))
        tally.add(probabilities(logits, this.model.config.problem));
      chunk = [];
    };
    for (const [start, end] of windowRanges(ids.length, this.plan)) {
      chunk.push(
        this.batcher.submit({ ids: [...prefix, ...ids.slice(start, end), ...suffix], link }),
      );
      if (chunk.length >= this.windowsInFlight) await drain();
    }
    await drain();
    this.observer.document(ids.length, tally.windows);
    return answer(tally, {
      names: this.labels,
      problem: this.model.config.problem,
      aggregation: this.settings.aggregation,
      topK,
      threshold: this.settings.threshold,
    });
  }

  async classify(documents: readonly ClassifyDocument[], topK: number): Promise<ClassifyResult[]> {
    const tokens = await inSpan("encoder.tokenize", (span) => {
      span.setAttribute("documents", documents.length);
      return this.model.tokenizer.encodeBatch(documents.map((d) => d.text));
    });
    return Promise.all(
      documents.map(async (doc, i) => ({
        id: doc.id,
        ...(await this.classifyTokens(tokens[i] ?? [], topK)),
      })),
    );
  }
}
