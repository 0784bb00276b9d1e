// The resource kinds the operator reads and writes, with what REST paths need.
export interface ResourceKind {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

const kind = (
  apiVersion: string,
  name: string,
  plural: string,
  namespaced = true,
): ResourceKind => ({
  apiVersion,
  kind: name,
  plural,
  namespaced,
});

export const Kinds = {
  FineTuneJob: kind("kubetune.io/v1alpha1", "FineTuneJob", "finetunejobs"),
  ModelVersion: kind("kubetune.io/v1alpha1", "ModelVersion", "modelversions"),
  InferenceRoute: kind("kubetune.io/v1alpha1", "InferenceRoute", "inferenceroutes"),
  Job: kind("batch/v1", "Job", "jobs"),
  Deployment: kind("apps/v1", "Deployment", "deployments"),
  Service: kind("v1", "Service", "services"),
  HTTPRoute: kind("gateway.networking.k8s.io/v1", "HTTPRoute", "httproutes"),
  Pod: kind("v1", "Pod", "pods"),
  ConfigMap: kind("v1", "ConfigMap", "configmaps"),
  Secret: kind("v1", "Secret", "secrets"),
  ServiceAccount: kind("v1", "ServiceAccount", "serviceaccounts"),
  Node: kind("v1", "Node", "nodes", false),
  Role: kind("rbac.authorization.k8s.io/v1", "Role", "roles"),
  RoleBinding: kind("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings"),
} as const;

/** The collection path of a kind, e.g. /apis/batch/v1/namespaces/ml/jobs or /api/v1/nodes. */
export function collectionPath(resource: ResourceKind, namespace?: string): string {
  const prefix = resource.apiVersion.includes("/")
    ? `/apis/${resource.apiVersion}`
    : `/api/${resource.apiVersion}`;
  const scope = resource.namespaced && namespace ? `/namespaces/${namespace}` : "";
  return `${prefix}${scope}/${resource.plural}`;
}
