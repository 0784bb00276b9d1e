// Loading a model folder: check the digest first (an unexpected artifact is never run),
// then the config, the tokenizer and the ONNX session.
import { access, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { MODEL_FILES, folderDigest, resolveModelFolder } from "./folder.js";
import type { ModelConfig } from "./model-config.js";
import { parseModelConfig } from "./model-config.js";
import type { ClassifierSession, SessionSettings } from "./session.js";
import { createWorkerSession } from "./worker-session.js";
import type { DocumentTokenizer } from "./tokenizer.js";
import { loadTokenizer } from "./tokenizer.js";

export interface LoadedModel {
  dir: string;
  /** A downloaded copy, removed by release(). */
  temporary: boolean;
  digest: string;
  config: ModelConfig;
  tokenizer: DocumentTokenizer;
  session: ClassifierSession;
}

export interface LoadRequest extends SessionSettings {
  location: string;
  /** `sha256:…` the folder must have, when given. */
  digest?: string;
}

async function checkFiles(dir: string): Promise<void> {
  for (const name of MODEL_FILES) {
    await access(join(dir, name)).catch(() => {
      throw new Error(`model folder ${dir} has no ${name}`);
    });
  }
}

async function loadFolder(dir: string, request: LoadRequest) {
  await checkFiles(dir);
  const digest = await folderDigest(dir);
  if (request.digest !== undefined && request.digest !== digest) {
    throw new Error(`digest mismatch: expected ${request.digest}, the model folder has ${digest}`);
  }
  const config = parseModelConfig(await readFile(join(dir, "config.json"), "utf8"));
  const tokenizer = await loadTokenizer(await readFile(join(dir, "tokenizer.json"), "utf8"));
  const session = await createWorkerSession(
    join(dir, "model.onnx"),
    request,
    tokenizer.padId,
  ).catch((error: unknown) => {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`model.onnx cannot be loaded: ${reason}`, { cause: error });
  });
  return { digest, config, tokenizer, session };
}

export async function loadModel(request: LoadRequest): Promise<LoadedModel> {
  const { dir, temporary } = await resolveModelFolder(request.location);
  try {
    return { dir, temporary, ...(await loadFolder(dir, request)) };
  } catch (error) {
    if (temporary) await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
