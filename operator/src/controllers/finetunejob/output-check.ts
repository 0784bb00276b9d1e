// Whether the run's output can be written at all, decided before a GPU is taken. Pure.
import type { FineTuneJobSpec } from "@kubetune/api";
import { FineTuneJobReasons } from "@kubetune/api";
import type { Verdict } from "./outcome.js";

/**
 * An s3:// output needs the Secret the trainer's credentials come from. Not a CEL rule:
 * the foundation's manifests (crds/test/fixtures/contract.yaml) name s3:// outputs without
 * one and must stay valid objects; such a run waits here, Admitted=False, until the spec
 * names a Secret, instead of starting a GPU pod whose trainer can only refuse.
 */
export function outputBlocker(spec: FineTuneJobSpec): Verdict | undefined {
  const { uri, credentialsSecret } = spec.output;
  if (!uri.startsWith("s3://") || credentialsSecret) return undefined;
  return {
    reason: FineTuneJobReasons.OutputCredentialsMissing,
    message: `spec.output.uri ${uri} is in S3 but spec.output.credentialsSecret is not set: name a Secret in this namespace with AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_ENDPOINT_URL for an S3-compatible store)`,
  };
}
