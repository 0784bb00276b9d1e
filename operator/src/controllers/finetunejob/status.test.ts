import type { V1Job, V1Pod } from "@kubernetes/client-node";
import type { FineTuneJobStatus } from "@kubetune/api";
import { describe, expect, it } from "vitest";
import { makeFineTuneJob } from "../../../test/builders/finetunejob.js";
import { trainerStatus } from "../../../test/builders/pod.js";
import { DEFAULT_GPU_POOLS } from "../../config/gpu-pools.js";
import { findCondition } from "../../runtime/conditions.js";
import type { Placement } from "./placement.js";
import type { Observed } from "./status.js";
import { computeStatus } from "./status.js";

const now = new Date("2026-11-21T12:00:00Z");
const started = new Date("2026-11-21T11:00:00Z");
const t4 = DEFAULT_GPU_POOLS[0]!;
const placed: Placement = {
  placed: true,
  pool: t4,
  computeDtype: "fp16",
  estimatedGiB: 9.24,
  why: "cheapest pool that fits",
};

function job(
  conditions: { type: string; reason?: string; message?: string }[] = [],
  extra: Partial<NonNullable<V1Job["status"]>> = {},
): V1Job {
  return {
    metadata: { name: "ftj-a-trainer" },
    status: {
      startTime: started,
      conditions: conditions.map((c) => ({ ...c, status: "True", lastTransitionTime: now })),
      ...extra,
    },
  };
}

function pod(status: NonNullable<V1Pod["status"]>, nodeName?: string): V1Pod {
  return {
    metadata: { name: "ftj-a-trainer-x", creationTimestamp: started },
    spec: { containers: [], ...(nodeName ? { nodeName } : {}) },
    status,
  };
}

const running = pod({ phase: "Running" }, "t4-xlarge-0");

/** A placed trainer pod whose container waits for the given reason. */
function waitingTrainer(reason: string, message: string, image?: string): V1Pod {
  return pod(
    {
      phase: "Pending",
      containerStatuses: [trainerStatus({ waiting: { reason, message } }, image)],
    },
    "t4-xlarge-0",
  );
}

function observe(overrides: Partial<Observed>): FineTuneJobStatus {
  return computeStatus({
    ftj: makeFineTuneJob().obj(),
    now,
    placement: placed,
    version: "v4",
    pods: [],
    ...overrides,
  });
}

const condition = (status: FineTuneJobStatus, type: string) => {
  const c = findCondition(status.conditions, type);
  return c ? `${c.status}/${c.reason}` : undefined;
};

describe("computeStatus", () => {
  it.each([
    {
      name: "a run no pool can hold",
      observed: {
        placement: {
          placed: false,
          reason: "InsufficientGPUMemory",
          message: "needs 30.0 GiB",
        } as Placement,
      },
      want: {
        Admitted: "False/InsufficientGPUMemory",
        Ready: "False/InsufficientGPUMemory",
        Scheduled: undefined,
      },
    },
    {
      name: "a Job whose pod is not yet scheduled",
      observed: { job: job(), pods: [pod({ phase: "Pending" })] },
      want: { Admitted: "True/Placed", Scheduled: "False/Pending", Ready: "False/Pending" },
    },
    {
      name: "a pod the scheduler cannot place",
      observed: {
        job: job(),
        pods: [
          pod({
            phase: "Pending",
            conditions: [
              {
                type: "PodScheduled",
                status: "False",
                reason: "Unschedulable",
                message: "0/6 nodes are available: 2 Insufficient nvidia.com/gpu.",
              },
            ],
          }),
        ],
      },
      want: { Scheduled: "False/InsufficientGPU", Ready: "False/InsufficientGPU" },
    },
    {
      name: "a running trainer",
      observed: { job: job(), pods: [running] },
      want: { Scheduled: "True/PodScheduled", Running: "True/Training", Ready: "False/Training" },
    },
    {
      name: "a trainer killed for memory",
      observed: {
        job: job([{ type: "Failed", reason: "BackoffLimitExceeded" }]),
        pods: [
          pod(
            {
              phase: "Failed",
              containerStatuses: [
                trainerStatus({ terminated: { exitCode: 137, reason: "OOMKilled" } }),
              ],
            },
            "t4-xlarge-0",
          ),
        ],
      },
      want: {
        Failed: "True/GPUOutOfMemory",
        Running: "False/GPUOutOfMemory",
        Ready: "False/GPUOutOfMemory",
      },
    },
    {
      name: "a run past its deadline",
      observed: {
        job: job([
          {
            type: "Failed",
            reason: "DeadlineExceeded",
            message: "Job was active longer than specified deadline",
          },
        ]),
        pods: [],
      },
      want: { Failed: "True/DeadlineExceeded", Ready: "False/DeadlineExceeded" },
    },
    {
      name: "a trainer that kept crashing",
      observed: {
        job: job([{ type: "Failed", reason: "BackoffLimitExceeded" }]),
        pods: [
          pod(
            {
              phase: "Failed",
              containerStatuses: [
                trainerStatus({ terminated: { exitCode: 1, message: "dataset not found" } }),
              ],
            },
            "t4-xlarge-0",
          ),
        ],
      },
      want: { Failed: "True/BackoffLimitExceeded", Ready: "False/BackoffLimitExceeded" },
    },
    {
      name: "a trainer that refused its input (exit 2)",
      observed: {
        job: job([{ type: "Failed", reason: "PodFailurePolicy" }]),
        pods: [
          pod(
            {
              phase: "Failed",
              containerStatuses: [
                trainerStatus({
                  terminated: {
                    exitCode: 2,
                    message: "InvalidInput (exit 2): spec.method is 'dpo'",
                  },
                }),
              ],
            },
            "t4-xlarge-0",
          ),
        ],
      },
      want: { Failed: "True/InvalidInput", Ready: "False/InvalidInput" },
    },
    {
      name: "a trainer whose upload the object store refused, on every retry (exit 8)",
      observed: {
        job: job([{ type: "Failed", reason: "BackoffLimitExceeded" }]),
        pods: [
          pod(
            {
              phase: "Failed",
              containerStatuses: [
                trainerStatus({
                  terminated: {
                    exitCode: 8,
                    message:
                      "ObjectStoreError (exit 8): cannot reach s3://models/out: the bucket models does not exist",
                  },
                }),
              ],
            },
            "t4-xlarge-0",
          ),
        ],
      },
      want: { Failed: "True/ObjectStoreError", Ready: "False/ObjectStoreError" },
    },
    {
      name: "a trainer image that cannot be pulled",
      observed: {
        job: job(),
        pods: [waitingTrainer("ImagePullBackOff", "not found", "bad/image")],
      },
      want: {
        Running: "False/ImagePullFailure",
        Ready: "False/ImagePullFailure",
        Failed: undefined,
      },
    },
    {
      name: "a trainer whose credentials Secret does not exist",
      observed: {
        job: job(),
        pods: [waitingTrainer("CreateContainerConfigError", 'secret "model-store" not found')],
      },
      want: {
        Running: "False/ContainerConfigError",
        Ready: "False/ContainerConfigError",
        Failed: undefined,
      },
    },
    {
      name: "a finished run registered as a ModelVersion",
      observed: {
        job: job([{ type: "Complete" }], { completionTime: now }),
        pods: [running],
        modelVersion: "ftj-a",
      },
      want: {
        Succeeded: "True/ModelVersionCreated",
        Ready: "True/ModelVersionCreated",
        Running: "False/ModelVersionCreated",
      },
    },
    {
      name: "a finished run with an artifact that is not served",
      observed: {
        job: job([{ type: "Complete" }], { completionTime: now }),
        pods: [running],
        artifactOnly: true,
      },
      want: { Succeeded: "True/ArtifactWritten", Ready: "True/ArtifactWritten", Failed: undefined },
    },
    {
      name: "a finished run whose ModelVersion the API server refused",
      observed: {
        job: job([{ type: "Complete" }], { completionTime: now }),
        pods: [running],
        refusedModelVersion: "spec.artifact.uri: Invalid value",
      },
      want: { Failed: "True/ModelVersionRefused", Ready: "False/ModelVersionRefused" },
    },
    {
      name: "a finished run whose result is unusable",
      observed: {
        job: job([{ type: "Complete" }], { completionTime: now }),
        pods: [running],
        invalidResult: "the termination message is not JSON",
      },
      want: { Failed: "True/InvalidResult", Ready: "False/InvalidResult" },
    },
  ])("when observing $name, sets the conditions that say so", ({ observed, want }) => {
    const status = observe(observed);

    for (const [type, expected] of Object.entries(want))
      expect({ type, got: condition(status, type) }).toEqual({ type, got: expected });
  });

  it("when the trainer reports progress, shows percent, ETA and GPU-seconds from the report's own time", () => {
    const progress = {
      step: 250,
      totalSteps: 1000,
      epoch: "0.75",
      loss: "1.23",
      time: "2026-11-21T11:30:00Z",
    };

    const status = observe({ job: job(), pods: [running], progress });

    expect(status.progress).toEqual({
      step: 250,
      totalSteps: 1000,
      epoch: "0.75",
      loss: "1.23",
      percent: 25,
      etaSeconds: 5400,
    });
    expect(status.gpuSeconds).toBe(1800);
  });

  it("when nothing changed but the clock, computes the same status (no churn)", () => {
    const observed = { job: job(), pods: [running] };
    const first = observe(observed);

    const ftj = makeFineTuneJob().status(first).obj();
    const second = computeStatus({
      ftj,
      now: new Date(now.getTime() + 60_000),
      placement: placed,
      version: "v4",
      ...observed,
    });

    expect(second).toEqual(first);
  });

  it("when placed, records pool, GPU, node, estimate and compute dtype", () => {
    expect(observe({ job: job(), pods: [running] }).placement).toEqual({
      pool: "t4",
      gpuType: "Tesla-T4",
      node: "t4-xlarge-0",
      estimatedMemoryGiB: "9.2",
      gpuMemoryGiB: 16,
      computeDtype: "fp16",
    });
  });
});
