// The serving pod's init containers: the runtime image's artifact-fetch entry downloads
// the artifact (and a LoRA adapter) into the pod's emptyDir and checks its sha256 before
// the server starts. Everything the fetch entry and the server must agree on is here.
import type { V1Container, V1ContainerStatus, V1Pod } from "@kubernetes/client-node";
import type { ModelVersion } from "@kubetune/api";
import { FETCH_ARTIFACT_EXIT } from "@kubetune/api";

export const MODELS_DIR = "/models";

/** Where the server finds the fetched files. An ONNX model is a folder, a GGUF one file. */
export function artifactPaths(mv: ModelVersion): { model: string; adapter?: string } {
  const model = mv.spec.format === "onnx" ? `${MODELS_DIR}/model` : `${MODELS_DIR}/model.gguf`;
  return mv.spec.adapter ? { model, adapter: `${MODELS_DIR}/adapter.gguf` } : { model };
}

/** The fetch entry's command line; --sha256 takes the hex digest without its prefix. */
export function fetchArtifactCommand(uri: string, digest: string | undefined, dest: string) {
  const sha = digest ? ["--sha256", digest.replace(/^sha256:/, "")] : [];
  return ["node", "fetch-artifact.js", "--uri", uri, ...sha, "--dest", dest];
}

/** Exit code of the fetch entry when the bytes did not match the digest (docs/images.md: 2 bad arguments, 3 not fetched). */
export const DIGEST_MISMATCH_EXIT_CODE = FETCH_ARTIFACT_EXIT.digestMismatch;

export const FETCH_CONTAINERS = { artifact: "fetch-artifact", adapter: "fetch-adapter" } as const;

export function fetchContainers(mv: ModelVersion, image: string): V1Container[] {
  const paths = artifactPaths(mv);
  const mount = [{ name: "models", mountPath: MODELS_DIR }];
  const container = (name: string, command: string[]): V1Container => ({
    name,
    image,
    command,
    volumeMounts: mount,
    terminationMessagePolicy: "FallbackToLogsOnError",
  });
  const { artifact, adapter } = mv.spec;
  const containers = [
    container(
      FETCH_CONTAINERS.artifact,
      fetchArtifactCommand(artifact.uri, artifact.digest, paths.model),
    ),
  ];
  if (adapter && paths.adapter)
    containers.push(
      container(
        FETCH_CONTAINERS.adapter,
        fetchArtifactCommand(adapter.uri, adapter.digest, paths.adapter),
      ),
    );
  return containers;
}

export type FetchOutcome =
  | { state: "verified" }
  | { state: "pending" }
  | { state: "failed"; reason: "DigestMismatch" | "ArtifactUnreachable"; message: string };

/** What the pods say about fetching: verified once any pod's fetches all exited 0. */
export function fetchOutcome(pods: readonly V1Pod[]): FetchOutcome {
  const fetches = (pod: V1Pod) =>
    (pod.status?.initContainerStatuses ?? []).filter((s) =>
      Object.values<string>(FETCH_CONTAINERS).includes(s.name),
    );
  const ok = (s: V1ContainerStatus) => s.state?.terminated?.exitCode === 0;
  if (pods.some((pod) => fetches(pod).length > 0 && fetches(pod).every(ok))) {
    return { state: "verified" };
  }
  for (const pod of pods) {
    for (const status of fetches(pod)) {
      const failed = failedRun(status);
      if (failed) return failed;
    }
  }
  return { state: "pending" };
}

function failedRun(status: V1ContainerStatus): FetchOutcome | undefined {
  const ended = status.state?.terminated ?? status.lastState?.terminated;
  if (!ended || ended.exitCode === 0) return undefined;
  const detail = ended.message?.trim() ?? ended.reason ?? `exit code ${ended.exitCode}`;
  if (ended.exitCode === DIGEST_MISMATCH_EXIT_CODE)
    return {
      state: "failed",
      reason: "DigestMismatch",
      message: `${status.name}: the fetched bytes do not match the digest: ${detail}`,
    };
  return {
    state: "failed",
    reason: "ArtifactUnreachable",
    message: `${status.name}: the artifact could not be fetched: ${detail}`,
  };
}
