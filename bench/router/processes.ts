// Starting and stopping the benchmark's processes: each pinned to a core with taskset,
// listening on 127.0.0.1, and stopped by its own PID only.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createConnection } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

export interface Started {
  readonly name: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Runs `command` on one CPU core; its output goes to the returned log. */
export function startPinned(name: string, core: number, command: string[]): Started {
  const child = spawn("taskset", ["-c", String(core), ...command], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  child.stderr.on("data", (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      resolve();
    }),
  );
  return {
    name,
    child,
    stop: async () => {
      if (child.exitCode !== null || child.pid === undefined) return;
      process.kill(child.pid, "SIGTERM");
      const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
      if (!done) {
        process.kill(child.pid, "SIGKILL");
        console.error(`${name} did not stop on SIGTERM; killed. Last log:\n${log}`);
      }
    },
  };
}

/** Waits until a TCP port accepts connections. */
export async function waitForPort(port: number, name: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: "127.0.0.1" });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => {
        resolve(false);
      });
    });
    if (open) return;
    await sleep(50);
  }
  throw new Error(`${name} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
}

function ticksOf(pid: number): number {
  try {
    // Fields after the command name (which may hold spaces): utime is 14th, stime 15th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function childrenOf(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    return text === "" ? [] : text.split(" ").map(Number);
  } catch {
    return [];
  }
}

/**
 * CPU seconds used so far by a process and its children (nginx's worker). On a machine
 * shared with other jobs, CPU per request is steadier than requests per second.
 */
export function cpuSeconds(pid: number): number {
  const ticks = [pid, ...childrenOf(pid)].reduce((sum, p) => sum + ticksOf(p), 0);
  return ticks / 100;
}
