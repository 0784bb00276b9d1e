// Starts one component as a detached process, records its PID in the cluster's state at
// once (so a failed start can still be cleaned up), and waits until it is healthy.
import { existsSync, readFileSync } from "node:fs";
import type { ClusterFiles } from "./layout.js";
import type { TlsOptions } from "./probe.js";
import { answersOk, waitUntil } from "./probe.js";
import { startDetached } from "./processes.js";
import type { ClusterState, RunningComponent } from "./state.js";
import { isRunning, writeState } from "./state.js";

const READY_TIMEOUT_MS = 60_000;

export interface ComponentPlan {
  name: string;
  binary: string;
  args: string[];
  /** Healthy when this URL answers 200, or when `ready` resolves true. */
  healthUrl?: string;
  tls?: TlsOptions;
  ready?: () => Promise<boolean>;
}

export async function startComponent(
  plan: ComponentPlan,
  state: ClusterState,
  files: ClusterFiles,
): Promise<void> {
  const logFile = files.log(plan.name);
  const pid = startDetached({ name: plan.name, binary: plan.binary, args: plan.args, logFile });
  const component: RunningComponent = { name: plan.name, pid, binary: plan.binary, logFile };
  state.components.push(component);
  writeState(files.state, state);
  const url = plan.healthUrl ?? "";
  const probe = plan.ready ?? (() => answersOk(url, plan.tls));
  try {
    await waitUntil(plan.name, probe, {
      timeoutMs: READY_TIMEOUT_MS,
      stillRunning: () => isRunning(component),
    });
  } catch (error) {
    throw new Error(
      `${(error as Error).message}\n--- last lines of ${logFile}:\n${tail(logFile, 30)}`,
      { cause: error },
    );
  }
}

export function tail(file: string, lines: number): string {
  if (!existsSync(file)) return "(no log)";
  return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}
