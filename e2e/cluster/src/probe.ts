// Health probes for the components, and a poll loop that gives up with a useful error.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { setTimeout as sleep } from "node:timers/promises";

export interface TlsOptions {
  ca?: string | undefined;
  cert?: string | undefined;
  key?: string | undefined;
  /** The components' own health ports serve self-signed certificates. */
  insecure?: boolean;
}

/** True when the URL answers 200 within two seconds. */
export async function answersOk(url: string, tls: TlsOptions = {}): Promise<boolean> {
  const request = url.startsWith("https:") ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        timeout: 2000,
        ca: tls.ca,
        cert: tls.cert,
        key: tls.key,
        rejectUnauthorized: !tls.insecure,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => {
      resolve(false);
    });
    req.end();
  });
}

export interface WaitOptions {
  timeoutMs: number;
  intervalMs?: number;
  /** Checked on every round: a component that died will never become ready. */
  stillRunning?: () => boolean;
}

export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  options: WaitOptions,
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (options.stillRunning && !options.stillRunning())
      throw new Error(`${what}: the process exited`);
    if (Date.now() > deadline)
      throw new Error(`${what}: not ready after ${options.timeoutMs / 1000}s`);
    await sleep(options.intervalMs ?? 200);
  }
}
