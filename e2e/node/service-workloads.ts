// kubetune's own images on the real node: encoder Deployments whose init container fetches
// the project's model from the harness artifact server (digest checked), and the router
// reading its routing table from a ConfigMap — what the operator will render for a route.
import type { V1ConfigMap, V1Container, V1Deployment, V1Service } from "@kubernetes/client-node";
import { realNodePlacement } from "../cluster/src/node/manifests.js";

export const SERVICE_PORT = 8080;
const MODEL_DIR = "/models/model";
const TABLE_DIR = "/etc/kubetune/router";

function deployment(name: string, pod: { containers: V1Container[]; init?: V1Container[] }) {
  const labels = { app: name };
  const volumes = [{ name: "models", emptyDir: {} }];
  return {
    metadata: { name, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          ...realNodePlacement,
          terminationGracePeriodSeconds: 2,
          securityContext: { runAsNonRoot: true },
          ...(pod.init ? { initContainers: pod.init, volumes } : {}),
          containers: pod.containers,
        },
      },
    },
  } satisfies V1Deployment;
}

const httpProbe = (path: string) => ({
  httpGet: { path, port: SERVICE_PORT },
  periodSeconds: 1,
  failureThreshold: 3,
});

/** An encoder serving one model version, fetched at pod start from `modelUrl`. */
export function encoderDeployment(
  name: string,
  image: string,
  model: { url: string; digest: string; version: string },
): V1Deployment {
  const mount = [{ name: "models", mountPath: "/models" }];
  return deployment(name, {
    init: [
      {
        name: "fetch-model",
        image,
        imagePullPolicy: "Never",
        command: ["node", "/app/fetch-artifact.js"],
        args: ["--uri", model.url, "--sha256", model.digest, "--dest", MODEL_DIR],
        volumeMounts: mount,
      },
    ],
    containers: [
      {
        name: "encoder",
        image,
        imagePullPolicy: "Never",
        args: [
          ...["--model", MODEL_DIR, "--digest", model.digest, "--name", "arxiv"],
          ...["--model-version", model.version, "--host", "0.0.0.0"],
          ...["--port", String(SERVICE_PORT)],
        ],
        ports: [{ containerPort: SERVICE_PORT }],
        readinessProbe: httpProbe("/v2/health/ready"),
        livenessProbe: httpProbe("/v2/health/live"),
        volumeMounts: mount,
      },
    ],
  });
}

/** The router on the routing table in ConfigMap `table`. */
export function routerDeployment(name: string, image: string, table: string): V1Deployment {
  const router = deployment(name, {
    containers: [
      {
        name: "router",
        image,
        imagePullPolicy: "Never",
        args: [
          ...["--config", `${TABLE_DIR}/routing-table.json`],
          ...["--host", "0.0.0.0", "--port", String(SERVICE_PORT)],
        ],
        ports: [{ containerPort: SERVICE_PORT }],
        readinessProbe: httpProbe("/v2/health/ready"),
        volumeMounts: [{ name: "table", mountPath: TABLE_DIR, readOnly: true }],
      },
    ],
  });
  const spec = router.spec.template.spec;
  return {
    ...router,
    spec: {
      ...router.spec,
      template: {
        ...router.spec.template,
        spec: { ...spec, volumes: [{ name: "table", configMap: { name: table } }] },
      },
    },
  };
}

export function service(name: string): V1Service {
  return {
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ port: 80, targetPort: SERVICE_PORT }] },
  };
}

/** A 90/10 split between two encoder Services, as the router's ConfigMap. */
export function routingTableConfigMap(name: string, namespace: string): V1ConfigMap {
  const variant = (variantName: string, version: string, weight: number) => ({
    name: variantName,
    modelVersion: `arxiv-${version}`,
    version,
    weight,
    endpoints: [`http://encoder-${version}.${namespace}.svc.cluster.local`],
  });
  const table = {
    generation: 1,
    route: "arxiv",
    model: "arxiv",
    variants: [variant("stable", "v1", 90), variant("candidate", "v2", 10)],
  };
  return { metadata: { name }, data: { "routing-table.json": JSON.stringify(table) } };
}
