// Container statuses for training-pod fixtures: only the state varies between tests.
import type { V1ContainerState, V1ContainerStatus } from "@kubernetes/client-node";

export function trainerStatus(
  state: V1ContainerState,
  image = "kubetune/trainer:test",
): V1ContainerStatus {
  return { name: "trainer", image, imageID: "", ready: false, restartCount: 0, state };
}
