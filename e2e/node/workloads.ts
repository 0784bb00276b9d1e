// Objects the real-node suites create: busybox (the toolbox image) web servers and
// one-shot client pods whose answer comes back as their termination message.
import type { CoreV1Api, V1Deployment, V1Pod } from "@kubernetes/client-node";
import { expect } from "vitest";
import { MEDIUM_MS, POLL_MS } from "../support/timeouts.js";
import { TOOLBOX_IMAGE } from "../cluster/src/node/images.js";
import { realNodePlacement } from "../cluster/src/node/manifests.js";

export const WEB_PORT = 8080;

/** busybox httpd serving a page that names the pod, Ready through an HTTP probe. */
export function webDeployment(name: string): V1Deployment {
  const labels = { app: name };
  return {
    metadata: { name, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          ...realNodePlacement,
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: "web",
              image: TOOLBOX_IMAGE,
              imagePullPolicy: "Never",
              command: [
                "sh",
                "-c",
                `mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && exec httpd -f -p ${WEB_PORT} -h /www`,
              ],
              ports: [{ containerPort: WEB_PORT }],
              readinessProbe: { httpGet: { path: "/", port: WEB_PORT }, periodSeconds: 1 },
            },
          ],
        },
      },
    },
  };
}

/** A pod that runs one shell command and reports its output as the termination message. */
export function clientPod(name: string, script: string): V1Pod {
  return {
    metadata: { name },
    spec: {
      ...realNodePlacement,
      restartPolicy: "Never",
      containers: [
        {
          name: "client",
          image: TOOLBOX_IMAGE,
          imagePullPolicy: "Never",
          command: ["sh", "-c", `(${script}) > /dev/termination-log 2>&1`],
        },
      ],
    },
  };
}

/** The finished client's phase and message, once it has ended. */
export function clientResult(pod: V1Pod): { phase: string; message: string } | undefined {
  const phase = pod.status?.phase;
  if (phase !== "Succeeded" && phase !== "Failed") return undefined;
  const message = pod.status?.containerStatuses?.[0]?.state?.terminated?.message ?? "";
  return { phase, message: message.trim() };
}

/** Runs `script` in a new client pod of `namespace` and waits for its result. */
export async function runClient(core: CoreV1Api, namespace: string, name: string, script: string) {
  await core.createNamespacedPod({ namespace, body: clientPod(name, script) });
  let result: ReturnType<typeof clientResult>;
  await expect
    .poll(
      async () => {
        result = clientResult(await core.readNamespacedPod({ name, namespace }));
        return result?.phase;
      },
      { timeout: MEDIUM_MS, interval: POLL_MS },
    )
    .toBeDefined();
  return result;
}
