// The loaded model: one llama.cpp context per variant (the base, and the base with each
// LoRA adapter, since node-llama-cpp applies adapters per context), each with a pool of
// sequences behind the shared admission queue.
import { LlamaLogLevel, getLlama, resolveChatWrapper } from "node-llama-cpp";
import type {
  ChatWrapper,
  Llama,
  LlamaContext,
  LlamaContextSequence,
  LlamaGrammar,
  LlamaModel,
} from "node-llama-cpp";
import { HttpError, invalidInput, notFound } from "../errors.js";
import { readGgufHeader } from "../gguf/read.js";
import { validateAdapterHeader, validateModelHeader } from "../gguf/validate.js";
import { Admission, SequencePool } from "../queue.js";

/**
 * Only the prebuilt CPU binary shipped in the npm package: never build llama.cpp, never
 * download its sources, never probe GPUs (there are none, and probing costs startup).
 */
export const LLAMA_OPTIONS = {
  build: "never",
  gpu: false,
  usePrebuiltBinaries: true,
  skipDownload: true,
  progressLogs: false,
  logLevel: LlamaLogLevel.error,
} as const;

/** The llama.cpp binding with the options above (also the benchmark's direct peer). */
export function loadLlama(): Promise<Llama> {
  return getLlama(LLAMA_OPTIONS);
}

export interface AdapterSpec {
  name: string;
  path: string;
  scale: number;
}

export interface EngineOptions {
  name: string;
  modelPath: string;
  adapters: AdapterSpec[];
  threads: number;
  contextSize: number | undefined;
  parallel: number;
  maxQueue: number;
}

export interface Variant {
  name: string;
  adapter: AdapterSpec | undefined;
  context: LlamaContext;
  pool: SequencePool<LlamaContextSequence>;
}

const ADAPTER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export class LlamaEngine {
  readonly variants = new Map<string, Variant>();
  readonly admission: Admission;
  readonly chatWrapper: ChatWrapper;
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();

  private constructor(
    readonly llama: Llama,
    readonly model: LlamaModel,
    readonly architecture: string,
    readonly options: EngineOptions,
  ) {
    this.admission = new Admission(options.maxQueue);
    this.chatWrapper = resolveChatWrapper(model);
  }

  /** Validates the files' headers first: llama.cpp aborts the process on some bad headers. */
  static async load(options: EngineOptions): Promise<LlamaEngine> {
    const { header, fileSize } = await readGgufHeader(options.modelPath);
    const { architecture } = validateModelHeader(header, fileSize);
    for (const adapter of options.adapters) await checkAdapter(adapter, architecture);
    const llama = await loadLlama();
    const model = await llama.loadModel({ modelPath: options.modelPath, gpuLayers: 0 });
    const engine = new LlamaEngine(llama, model, architecture, options);
    await engine.addVariant(undefined);
    for (const adapter of options.adapters) await engine.addVariant(adapter);
    return engine;
  }

  get contextSize(): number {
    return this.variant(undefined).context.contextSize;
  }

  /** `undefined` or the base name selects the base; `<base>:<adapter>` selects an adapter. */
  variant(model: string | undefined): Variant {
    const found = this.variants.get(model ?? this.options.name);
    if (!found) throw notFound(`model "${String(model)}" is not served here; see GET /v1/models`);
    return found;
  }

  grammar(gbnf: string): Promise<LlamaGrammar> {
    let grammar = this.grammars.get(gbnf);
    if (!grammar) {
      grammar = this.llama.createGrammar({ grammar: gbnf });
      this.grammars.set(gbnf, grammar);
    }
    return grammar;
  }

  async addAdapter(adapter: AdapterSpec): Promise<Variant> {
    if (!ADAPTER_NAME.test(adapter.name))
      throw invalidInput(`adapter name must match ${ADAPTER_NAME.source}`);
    if (this.variants.has(this.variantName(adapter.name)))
      throw new HttpError(409, `adapter "${adapter.name}" is already loaded`);
    await checkAdapter(adapter, this.architecture).catch((error: unknown) => {
      throw invalidInput(error instanceof Error ? error.message : String(error));
    });
    return this.addVariant(adapter);
  }

  /** Stops routing to the adapter at once, then frees its context when its requests end. */
  async removeAdapter(name: string): Promise<void> {
    const key = this.variantName(name);
    const variant = this.variants.get(key);
    if (!variant?.adapter) throw notFound(`adapter "${name}" is not loaded`);
    this.variants.delete(key);
    await variant.pool.idle();
    await variant.context.dispose();
  }

  async dispose(): Promise<void> {
    for (const variant of this.variants.values()) await variant.pool.idle();
    await this.model.dispose();
    await this.llama.dispose();
  }

  private variantName(adapter: string | undefined): string {
    return adapter === undefined ? this.options.name : `${this.options.name}:${adapter}`;
  }

  private async addVariant(adapter: AdapterSpec | undefined): Promise<Variant> {
    const { threads, parallel } = this.options;
    const contextSize = Math.min(this.options.contextSize ?? 2048, this.model.trainContextSize);
    const lora = adapter
      ? { adapters: [{ filePath: adapter.path, scale: adapter.scale }] }
      : undefined;
    const context = await this.model.createContext({
      contextSize,
      sequences: parallel,
      threads,
      ...(lora ? { lora } : {}),
    });
    const sequences = Array.from({ length: parallel }, () => context.getSequence());
    const variant = {
      name: this.variantName(adapter?.name),
      adapter,
      context,
      pool: new SequencePool(sequences, this.admission),
    };
    this.variants.set(variant.name, variant);
    return variant;
  }
}

async function checkAdapter(adapter: AdapterSpec, architecture: string): Promise<void> {
  const { header, fileSize } = await readGgufHeader(adapter.path);
  validateAdapterHeader(header, fileSize, architecture);
}
