/** The model version this process serves, as the operator sets it on the Deployment. */
export function modelVersion(): string {
  return process.env.KUBETUNE_MODEL_VERSION ?? "unversioned";
}
