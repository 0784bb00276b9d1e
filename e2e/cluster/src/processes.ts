// Starts components as detached processes that outlive the command that started them,
// each logging to its own file, and stops exactly the PIDs we recorded.
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

export interface StartSpec {
  name: string;
  binary: string;
  args: string[];
  logFile: string;
  env?: Record<string, string>;
}

export function startDetached(spec: StartSpec): number {
  const log = openSync(spec.logFile, "a");
  try {
    const child = spawn(spec.binary, spec.args, {
      detached: true,
      stdio: ["ignore", log, log],
      env: { ...process.env, ...spec.env },
    });
    if (child.pid === undefined) throw new Error(`${spec.name} did not start (${spec.binary})`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(log);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** SIGTERM, then SIGKILL after the grace period; resolves when the process is gone. */
export async function stopProcess(pid: number, graceMs = 10_000): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, "SIGTERM");
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(pid)) process.kill(pid, "SIGKILL");
  while (isAlive(pid)) await sleep(50);
}

/**
 * Whether a recorded PID still runs the binary we started: after a reboot or a crash the
 * number may belong to an unrelated process, which we must never signal.
 */
export function runsBinary(pid: number, binary: string): boolean {
  try {
    const argv0 = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0];
    return argv0 === binary;
  } catch {
    return false;
  }
}
