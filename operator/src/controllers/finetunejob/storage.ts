// What the trainer's container needs to reach its locations: the claims of pvc:// base
// model, dataset and output URIs mounted where the trainer looks for them (read-only
// unless the output is written there), and for an s3:// output the credentials Secret
// as its environment and a scratch folder to write to before the upload.
import type { V1EnvFromSource, V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import type { FineTuneJob } from "@kubetune/api";
import { TRAINER_ENV, TRAINER_PVC_ROOT, TRAINER_SCRATCH_PATH } from "@kubetune/api";

type Spec = FineTuneJob["spec"];

/** The claim a pvc://<claim>/<path> URI names; undefined for any other scheme. */
export function claimOf(uri: string): string | undefined {
  const match = /^pvc:\/\/([^/]+)/.exec(uri);
  return match?.[1];
}

/** Each claim once, writable when the output lives on it. */
function claims(spec: Spec): Map<string, { readOnly: boolean }> {
  const found = new Map<string, { readOnly: boolean }>();
  const output = claimOf(spec.output.uri);
  for (const uri of [spec.baseModel.uri, spec.dataset.uri, spec.output.uri]) {
    const claim = claimOf(uri);
    if (claim) found.set(claim, { readOnly: claim !== output });
  }
  return found;
}

function claimWiring(spec: Spec): { volumes: V1Volume[]; volumeMounts: V1VolumeMount[] } {
  // Volume names are DNS labels (63 characters); claim names may be longer.
  const entries = [...claims(spec)].map(([claim, { readOnly }], i) => ({
    volume: { name: `claim-${i}`, persistentVolumeClaim: { claimName: claim, readOnly } },
    mount: { name: `claim-${i}`, mountPath: `${TRAINER_PVC_ROOT}/${claim}`, readOnly },
  }));
  return { volumes: entries.map((e) => e.volume), volumeMounts: entries.map((e) => e.mount) };
}

/**
 * The Secret's keys become the environment (AWS_ACCESS_KEY_ID, …: the names boto3
 * reads), so its values never pass through the operator.
 */
export function storageWiring(spec: Spec) {
  const secret = spec.output.credentialsSecret;
  const s3 = spec.output.uri.startsWith("s3://");
  const pvc = claimWiring(spec);
  const envFrom: V1EnvFromSource[] = secret ? [{ secretRef: { name: secret } }] : [];
  return {
    envFrom: envFrom.length > 0 ? { envFrom } : {},
    env: s3 ? [{ name: TRAINER_ENV.scratchDir, value: TRAINER_SCRATCH_PATH }] : [],
    volumeMounts: [
      ...pvc.volumeMounts,
      ...(s3 ? [{ name: "scratch", mountPath: TRAINER_SCRATCH_PATH }] : []),
    ],
    volumes: [...pvc.volumes, ...(s3 ? [{ name: "scratch", emptyDir: {} }] : [])],
  };
}
