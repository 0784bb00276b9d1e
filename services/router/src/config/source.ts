// The routing table in force, read from a file (the operator's ConfigMap, mounted) and
// hot-swapped when the file changes, or pushed by the operator (PUT /v1/routes), which is
// how a weight change reaches the router in under a second: the kubelet refreshes a
// mounted ConfigMap only on its pod sync, about a minute later. A swap replaces one
// immutable table reference, so a request keeps the table it started with and none is
// dropped. A table that does not parse or validate is rejected with its reason, and the
// previous table stays in force; so does a newer one when an older arrives (the file
// catching up after a push).
import { watch } from "node:fs";
import type { FSWatcher } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname } from "node:path";
import { parse } from "yaml";
import type { Logger } from "../log.js";
import { compileTable } from "./compile.js";
import type { Compiled, Table } from "./compile.js";

export interface TableStatus {
  readonly path: string;
  readonly generation: number | undefined;
  readonly loadedAt: string | undefined;
  /** Why the latest file was rejected, while it is the latest file. */
  readonly lastError: string | undefined;
}

/** The answer to a pushed table. */
export type Offer =
  | { ok: true; generation: number; applied: boolean }
  | { ok: false; status: 400 | 409; error: string };

export interface SourceOptions {
  readonly log: Logger;
  readonly onApplied: (table: Table) => void;
  readonly onRejected: (reason: string) => void;
  /** Re-read interval: a backstop for file systems whose change events get lost. */
  readonly pollMs?: number;
}

/** Parses a JSON or YAML document and compiles it; never throws. */
export function compileText(text: string): Compiled {
  let document: unknown;
  try {
    document = parse(text) as unknown;
  } catch (error) {
    return { ok: false, error: `not JSON or YAML: ${(error as Error).message}` };
  }
  return compileTable(document);
}

export class TableSource {
  private table: Table | undefined;
  /** The text of the table in force: the same text again, from either side, is no change. */
  private tableText: string | undefined;
  private lastText: string | undefined;
  private lastError: string | undefined;
  private loadedAt: string | undefined;
  private pending: Promise<void> = Promise.resolve();
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly path: string,
    private readonly options: SourceOptions,
  ) {}

  current(): Table | undefined {
    return this.table;
  }

  status(): TableStatus {
    return {
      path: this.path,
      generation: this.table?.generation,
      loadedAt: this.loadedAt,
      lastError: this.lastError,
    };
  }

  /** Loads the file now; reloads and pushes are serialised so two never interleave. */
  reload(): Promise<void> {
    this.pending = this.pending.then(() => this.load());
    return this.pending;
  }

  /** A pushed table: applied when its generation is newer than the one in force. */
  offer(text: string): Promise<Offer> {
    const answer = this.pending.then(() => this.accept(text));
    this.pending = answer.then(() => undefined);
    return answer;
  }

  async start(): Promise<void> {
    await this.reload();
    // Watch the directory: a mounted ConfigMap changes by swapping a symlink beside the file.
    this.watcher = watch(dirname(this.path), (_event, file) => {
      if (file === null || file === basename(this.path) || file.startsWith("..")) {
        void this.reload();
      }
    });
    this.watcher.on("error", (error) => {
      this.options.log.warn({ error: error.message }, "Stopped watching the routing table");
    });
    this.timer = setInterval(() => void this.reload(), this.options.pollMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    this.watcher?.close();
    clearInterval(this.timer);
  }

  private async load(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.path, "utf8");
    } catch (error) {
      this.reject(`cannot read ${this.path}: ${(error as Error).message}`, undefined);
      return;
    }
    if (text === this.lastText) return;
    const compiled = compileText(text);
    if (!compiled.ok) {
      this.reject(compiled.error, text);
      return;
    }
    this.lastText = text;
    this.lastError = undefined;
    const inForce = this.table?.generation;
    // A hand-edited file may keep its generation; only a file older than a push waits.
    if (inForce !== undefined && compiled.table.generation < inForce) return;
    if (text !== this.tableText) this.apply(compiled.table, text, "file");
  }

  private accept(text: string): Offer {
    const compiled = compileText(text);
    if (!compiled.ok) {
      this.options.log.error({ reason: compiled.error }, "Rejected pushed routing table");
      this.options.onRejected(compiled.error);
      return { ok: false, status: 400, error: compiled.error };
    }
    const { generation } = compiled.table;
    const inForce = this.table?.generation;
    if (inForce !== undefined && generation < inForce)
      return {
        ok: false,
        status: 409,
        error: `generation ${generation} is older than generation ${inForce} in force`,
      };
    if (inForce === generation) return { ok: true, generation, applied: false };
    this.apply(compiled.table, text, "push");
    return { ok: true, generation, applied: true };
  }

  private apply(table: Table, text: string, origin: "file" | "push"): void {
    this.table = table;
    this.tableText = text;
    this.loadedAt = new Date().toISOString();
    this.options.log.info(
      { generation: table.generation, route: table.route, origin },
      "Applied routing table",
    );
    this.options.onApplied(table);
  }

  private reject(reason: string, text: string | undefined): void {
    this.lastText = text;
    if (reason === this.lastError) return;
    this.lastError = reason;
    this.options.log.error({ path: this.path, reason }, "Rejected routing table");
    this.options.onRejected(reason);
  }
}
