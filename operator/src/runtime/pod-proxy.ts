// A request with a body to a pod through the API server's pod proxy. client-node's
// generated connect* calls carry no body, so this one speaks HTTP itself, with the
// kubeconfig's server, CA and credentials applied the way client-node applies them.
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { RequestOptions } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node";

export interface ProxyCall {
  namespace: string;
  pod: string;
  port: number;
  /** The pod's path without its leading slash, e.g. v1/routes */
  path: string;
  method: "PUT" | "POST";
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

export interface ProxyAnswer {
  status: number;
  body: string;
}

export async function podProxyRequest(kc: KubeConfig, call: ProxyCall): Promise<ProxyAnswer> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error("the kubeconfig names no current cluster");
  const pod = encodeURIComponent(`${call.pod}:${call.port}`);
  const url = new URL(
    `${server.replace(/\/$/, "")}/api/v1/namespaces/${encodeURIComponent(call.namespace)}/pods/${pod}/proxy/${call.path}`,
  );
  const options: RequestOptions = {
    method: call.method,
    headers: {
      ...call.headers,
      "content-type": "application/json",
      "content-length": Buffer.byteLength(call.body),
    },
    timeout: call.timeoutMs,
  };
  await kc.applyToHTTPSOptions(options);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.once("end", () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
      });
      res.once("error", reject);
    });
    req.once("timeout", () => {
      req.destroy(new Error(`no answer within ${call.timeoutMs} ms`));
    });
    req.once("error", reject);
    req.end(call.body);
  });
}
