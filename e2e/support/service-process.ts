// A kubetune service as a real process (`node --import tsx <main.ts>`, the way the npm
// scripts run it), for the component suites that need more than one service at once. It
// is ready when its own output says so, within a deadline; it is stopped by its PID only.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";

export interface ServiceProcessOptions<T> {
  /** For messages: "encoder", "llm", … */
  readonly name: string;
  /** The service's entry point (a .ts file). */
  readonly main: string;
  readonly args: readonly string[];
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Reads the output so far (stdout and stderr); a value once the service is ready. */
  readonly ready: (output: string) => T | undefined;
  /** How long the start may take before the process is killed and the start fails. */
  readonly deadlineMs: number;
}

export interface ServiceProcess<T> {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** What `ready` returned. */
  readonly value: T;
  /** Everything the process wrote so far. */
  output(): string;
  /** Exit code (null when killed by a signal), once it has exited. */
  readonly exited: Promise<number | null>;
  /** SIGTERM by PID, then SIGKILL if it has not exited within graceMs. */
  stop(graceMs?: number): Promise<void>;
}

export async function startServiceProcess<T>(
  options: ServiceProcessOptions<T>,
): Promise<ServiceProcess<T>> {
  const child = spawn(process.execPath, ["--import", "tsx", options.main, ...options.args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...options.env },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name} did not start`);
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const stop = (graceMs = 10_000) => stopProcess(child, pid, exited, graceMs);
  const value = await new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${options.name} not ready within ${options.deadlineMs} ms:\n${output}`));
    }, options.deadlineMs);
    // Both pipes are read to the end: a full pipe would block the service's next log line.
    const read = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      const found = options.ready(output);
      if (found === undefined) return;
      clearTimeout(timer);
      resolve(found);
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.name} exited (${code}) before it was ready:\n${output}`));
    });
  }).catch(async (error: unknown) => {
    await stop(1_000);
    throw error;
  });
  return { name: options.name, pid, child, value, output: () => output, exited, stop };
}

async function stopProcess(
  child: ChildProcess,
  pid: number,
  exited: Promise<number | null>,
  graceMs: number,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  process.kill(pid, "SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(resolve, graceMs, "late");
  });
  const outcome = await Promise.race([exited, late]);
  clearTimeout(timer);
  if (outcome !== "late") return;
  process.kill(pid, "SIGKILL");
  await exited;
}
