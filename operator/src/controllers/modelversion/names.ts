// Names and labels of what a served ModelVersion owns. The InferenceRoute controller
// uses the same functions to find a version's Service, so both sides always agree.
import type { ModelVersion } from "@kubetune/api";

export const MODELVERSION_LABEL = "kubetune.io/modelversion";
export const SERVING_PORT = 8080;

/** The Deployment and the Service share one name; `-serving` keeps it apart from a route's Service. */
export function servingName(modelVersion: string): string {
  return `${modelVersion}-serving`;
}

export function servingEndpoint(modelVersion: string, namespace: string): string {
  return `http://${servingName(modelVersion)}.${namespace}.svc:${SERVING_PORT}`;
}

export function servingLabels(mv: ModelVersion): Record<string, string> {
  return {
    "app.kubernetes.io/name": `kubetune-${mv.spec.runtime}`,
    "app.kubernetes.io/instance": mv.metadata.name,
    "app.kubernetes.io/component": "serving",
    "app.kubernetes.io/managed-by": "kubetune-operator",
    [MODELVERSION_LABEL]: mv.metadata.name,
    "kubetune.io/model": mv.spec.model,
    "kubetune.io/version": mv.spec.version,
  };
}

/** What selects a version's pods; stable for the Deployment's life (a selector is immutable). */
export function servingSelector(modelVersion: string): Record<string, string> {
  return { [MODELVERSION_LABEL]: modelVersion, "app.kubernetes.io/component": "serving" };
}
