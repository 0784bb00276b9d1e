// The objects a placed FineTuneJob needs, as a pure function of the FineTuneJob, its
// placement and the operator's configuration: re-reconciling yields the same objects.
import type {
  V1ConfigMap,
  V1Job,
  V1ObjectMeta,
  V1Role,
  V1RoleBinding,
  V1ServiceAccount,
} from "@kubernetes/client-node";
import type { FineTuneJob, GpuPool, TrainerInput } from "@kubetune/api";
import { TRAINER_ENV, TRAINER_FATAL_EXIT_CODES, TRAINER_INPUT_PATH } from "@kubetune/api";
import type { ComputeDtype } from "./placement.js";
import { storageWiring } from "./storage.js";

export const GPU_RESOURCE = "nvidia.com/gpu";
export const FINETUNEJOB_LABEL = "kubetune.io/finetunejob";

export interface TrainerConfig {
  /** Image used unless the FineTuneJob overrides it. */
  image: string;
}

export interface DesiredInput {
  ftj: FineTuneJob;
  pool: GpuPool;
  computeDtype: ComputeDtype;
  /** The version reserved for the result, recorded in status before the Job exists. */
  version: string;
  trainer: TrainerConfig;
}

export function trainerNames(ftjName: string) {
  return {
    job: `${ftjName}-trainer`,
    serviceAccount: `${ftjName}-trainer`,
    role: `${ftjName}-trainer`,
    /** One ConfigMap carries both directions: the input and the progress reports. */
    exchange: `${ftjName}-trainer`,
  };
}

export interface DesiredObjects {
  serviceAccount: V1ServiceAccount;
  role: V1Role;
  roleBinding: V1RoleBinding;
  exchange: V1ConfigMap;
  job: V1Job;
}

/** The exchange ConfigMap's key the trainer reads (mounted alone at TRAINER_INPUT_PATH). */
export const INPUT_KEY = "finetunejob.json";

export function desiredObjects(input: DesiredInput): DesiredObjects {
  const names = trainerNames(input.ftj.metadata.name);
  const namespace = input.ftj.metadata.namespace ?? "default";
  const meta = (name: string): V1ObjectMeta => ({
    name,
    namespace,
    labels: trainerLabels(input.ftj.metadata.name),
    ownerReferences: [ownerReference(input.ftj)],
  });
  return {
    serviceAccount: {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: meta(names.serviceAccount),
      automountServiceAccountToken: true,
    },
    role: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: meta(names.role),
      // Least privilege: the trainer may only write into its own run's ConfigMap. It could
      // also rewrite its own input there, which only it reads after it starts.
      rules: [
        {
          apiGroups: [""],
          resources: ["configmaps"],
          resourceNames: [names.exchange],
          verbs: ["get", "patch", "update"],
        },
      ],
    },
    roleBinding: {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: meta(names.role),
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: names.role },
      subjects: [{ kind: "ServiceAccount", name: names.serviceAccount, namespace }],
    },
    // The operator applies only the input key; the trainer's PROGRESS_KEY is the trainer's
    // field (another field manager), which server-side apply leaves alone.
    exchange: {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta(names.exchange),
      data: { [INPUT_KEY]: trainerInputJson(input) },
    },
    job: trainingJob(input, meta(names.job), names),
  };
}

export function trainerLabels(ftjName: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "kubetune-trainer",
    "app.kubernetes.io/instance": ftjName,
    "app.kubernetes.io/component": "trainer",
    "app.kubernetes.io/managed-by": "kubetune-operator",
    [FINETUNEJOB_LABEL]: ftjName,
  };
}

function ownerReference(ftj: FineTuneJob) {
  return {
    apiVersion: ftj.apiVersion,
    kind: ftj.kind,
    name: ftj.metadata.name,
    uid: ftj.metadata.uid ?? "",
    controller: true,
    blockOwnerDeletion: true,
  };
}

function trainerInputJson(input: DesiredInput): string {
  const body: TrainerInput = {
    fineTuneJob: input.ftj.metadata.name,
    version: input.version,
    computeDtype: input.computeDtype,
    spec: input.ftj.spec,
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

/** User pod labels and annotations pass through; kubetune's own labels always win. */
function podMetadata(ftj: DesiredInput["ftj"]): V1ObjectMeta {
  const trainer = ftj.spec.trainer;
  return {
    labels: { ...trainer?.podLabels, ...trainerLabels(ftj.metadata.name) },
    annotations: { ...trainer?.podAnnotations },
  };
}

function trainingJob(
  input: DesiredInput,
  metadata: V1ObjectMeta,
  names: ReturnType<typeof trainerNames>,
): V1Job {
  const { spec } = input.ftj;
  const gpus = String(spec.resources?.gpu?.count ?? 1);
  const output = storageWiring(spec);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata,
    spec: {
      backoffLimit: spec.backoffLimit ?? 2,
      // Bad input, data or base model, or a missing device: a retry would fail the same way.
      podFailurePolicy: {
        rules: [
          {
            action: "FailJob",
            onExitCodes: {
              containerName: "trainer",
              operator: "In",
              values: [...TRAINER_FATAL_EXIT_CODES],
            },
          },
        ],
      },
      ...(spec.activeDeadlineSeconds ? { activeDeadlineSeconds: spec.activeDeadlineSeconds } : {}),
      template: {
        metadata: podMetadata(input.ftj),
        spec: {
          restartPolicy: "Never",
          serviceAccountName: names.serviceAccount,
          nodeSelector: { ...input.pool.nodeSelector },
          tolerations: (input.pool.tolerations ?? []).map((t) => ({ ...t })),
          containers: [
            {
              name: "trainer",
              image: spec.trainer?.image ?? input.trainer.image,
              env: [
                { name: TRAINER_ENV.input, value: TRAINER_INPUT_PATH },
                { name: TRAINER_ENV.progressConfigMap, value: names.exchange },
                {
                  name: TRAINER_ENV.namespace,
                  valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } },
                },
                ...output.env,
              ],
              ...output.envFrom,
              resources: { limits: { [GPU_RESOURCE]: gpus }, requests: { [GPU_RESOURCE]: gpus } },
              volumeMounts: [
                { name: "input", mountPath: "/etc/kubetune", readOnly: true },
                ...output.volumeMounts,
              ],
              // The result JSON goes in the termination message; logs only if the trainer crashed first.
              terminationMessagePolicy: "FallbackToLogsOnError",
            },
          ],
          volumes: [
            {
              name: "input",
              configMap: { name: names.exchange, items: [{ key: INPUT_KEY, path: INPUT_KEY }] },
            },
            ...output.volumes,
          ],
        },
      },
    },
  };
}
