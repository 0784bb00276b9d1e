// Prints the router benchmark's table and the ratios issue #7 sets targets for.
import type { FixedRateResult } from "./load.js";
import { percentile } from "./load.js";

export interface Measured {
  readonly name: string;
  readonly load: FixedRateResult;
  readonly rps: number;
  readonly wrkFailed: number;
  /** CPU microseconds the proxy process spent per request during the wrk rounds. */
  readonly cpuMicrosPerRequest: number;
}

interface Row {
  readonly target: string;
  readonly p50: number;
  readonly p99: number;
  readonly addedP50: number;
  readonly addedP99: number;
  readonly rps: number;
  readonly stableShare: number;
  readonly failed: number;
  readonly cpu: number;
}

function rows(measured: readonly Measured[]): Row[] {
  const direct = measured[0];
  const base = {
    p50: percentile(direct?.load.latenciesMs ?? [], 50),
    p99: percentile(direct?.load.latenciesMs ?? [], 99),
  };
  return measured.map((m) => {
    const p50 = percentile(m.load.latenciesMs, 50);
    const p99 = percentile(m.load.latenciesMs, 99);
    return {
      target: m.name,
      p50,
      p99,
      addedP50: p50 - base.p50,
      addedP99: p99 - base.p99,
      rps: m.rps,
      stableShare: (100 * (m.load.variants.get("stable") ?? 0)) / m.load.latenciesMs.length,
      failed: m.load.failed + m.wrkFailed,
      cpu: m.cpuMicrosPerRequest,
    };
  });
}

const num = (value: number, digits: number, width: number) => value.toFixed(digits).padStart(width);

export interface ReloadRun {
  readonly count: number;
  readonly load: FixedRateResult;
}

export function report(measured: readonly Measured[], reloads: ReloadRun, heading: string): void {
  const table = rows(measured);
  console.log(`\n${heading}\n`);
  console.log(
    "target               p50 ms  p99 ms  added p50  added p99   req/s  stable %  failed",
  );
  for (const r of table) {
    const share = r.target.startsWith("direct") ? "      -" : num(r.stableShare, 2, 7);
    console.log(
      `${r.target.padEnd(20)} ${num(r.p50, 3, 6)}  ${num(r.p99, 3, 6)}  ${num(r.addedP50, 3, 9)}  ` +
        `${num(r.addedP99, 3, 9)}  ${num(r.rps, 0, 6)}  ${Number.isNaN(r.cpu) ? "         -" : num(r.cpu, 1, 10)}  ${share}  ${r.failed}`,
    );
  }
  const [, bare, nginx, router] = table;
  if (!bare || !nginx || !router) return;
  const line = (label: string, value: number, target: string) => {
    console.log(`${label.padEnd(58)} ${num(value, 2, 6)}   (target ${target})`);
  };
  console.log("");
  line("router added p99 / nginx added p99", router.addedP99 / nginx.addedP99, "<= 1.5");
  line("router req/s / nginx req/s (one worker)", router.rps / nginx.rps, ">= 0.5");
  line("router req/s / bare node:http req/s", router.rps / bare.rps, ">= 0.7");
  line("router CPU per request / bare node:http (lower is better)", router.cpu / bare.cpu, "-");
  line("router CPU per request / nginx (lower is better)", router.cpu / nginx.cpu, "-");
  line("router stable share, points off 90", Math.abs(router.stableShare - 90), "<= 2");
  console.log(`router failed requests in the comparison above: ${router.failed} (target 0)`);
  const p99 = percentile(reloads.load.latenciesMs, 99);
  console.log(
    `router failed requests across ${reloads.count} hot reloads under load: ${reloads.load.failed} ` +
      `of ${reloads.load.latenciesMs.length} (target 0); p99 meanwhile ${p99.toFixed(3)} ms`,
  );
}
