import { describe, expect, it } from "vitest";
import { DEFAULT_GPU_POOLS } from "../../config/gpu-pools.js";
import { makeFineTuneJob } from "../../../test/builders/finetunejob.js";
import { desiredObjects } from "./desired.js";

const [t4] = DEFAULT_GPU_POOLS;
const trainer = { image: "kubetune/trainer:0.1.0" };

function render(ftj = makeFineTuneJob().obj()) {
  return desiredObjects({ ftj, pool: t4!, computeDtype: "fp16", version: "v4", trainer });
}

describe("desiredObjects", () => {
  it("when rendered twice, yields identical objects (desired state is pure)", () => {
    expect(render()).toEqual(render());
  });

  it("when placed on the t4 pool, selects its nodes, tolerates its taint and asks for the GPUs", () => {
    const pod = render().job.spec?.template.spec;

    expect(pod?.nodeSelector).toEqual({ "nvidia.com/gpu.product": "Tesla-T4" });
    expect(pod?.tolerations).toEqual([
      { key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" },
    ]);
    expect(pod?.containers[0]?.resources?.limits).toEqual({ "nvidia.com/gpu": "1" });
    expect(pod?.restartPolicy).toBe("Never");
  });

  it("when rendered, makes every object owned by the FineTuneJob, so deleting it collects them", () => {
    const owners = Object.values(render()).map((o) => o.metadata?.ownerReferences?.[0]);

    expect(
      owners.every(
        (o) => o?.uid === "uid-ftj-a" && o.controller === true && o.kind === "FineTuneJob",
      ),
    ).toBe(true);
  });

  it("when rendered, gives the trainer its resolved input with the version and compute dtype", () => {
    const input = JSON.parse(render().exchange.data?.["finetunejob.json"] ?? "{}") as Record<
      string,
      unknown
    >;

    expect(input).toMatchObject({
      fineTuneJob: "ftj-a",
      version: "v4",
      computeDtype: "fp16",
      spec: { method: "qlora" },
    });
  });

  it("when rendered, lets the trainer's service account patch only its own run's ConfigMap", () => {
    const { role, roleBinding, job, exchange } = render();

    expect(role.rules).toEqual([
      {
        apiGroups: [""],
        resources: ["configmaps"],
        resourceNames: ["ftj-a-trainer"],
        verbs: ["get", "patch", "update"],
      },
    ]);
    expect(exchange.metadata?.name).toBe("ftj-a-trainer");
    expect(roleBinding.subjects?.[0]?.name).toBe(job.spec?.template.spec?.serviceAccountName);
  });

  it("when rendered, mounts only the input key, so the trainer's own reports never appear as input", () => {
    const { job } = render();
    const pod = job.spec?.template.spec;
    const env = pod?.containers[0]?.env ?? [];

    expect(pod?.volumes?.[0]?.configMap).toEqual({
      name: "ftj-a-trainer",
      items: [{ key: "finetunejob.json", path: "finetunejob.json" }],
    });
    expect(env).toContainEqual({ name: "KUBETUNE_PROGRESS_CONFIGMAP", value: "ftj-a-trainer" });
  });

  it("when the trainer exits with a code a retry cannot fix, the Job fails at once", () => {
    const { job } = render(makeFineTuneJob().obj());

    expect(job.spec?.podFailurePolicy?.rules).toEqual([
      {
        action: "FailJob",
        onExitCodes: { containerName: "trainer", operator: "In", values: [2, 3, 4, 5] },
      },
    ]);
  });

  it("when the spec sets limits, image and pod metadata, passes them through", () => {
    const ftj = makeFineTuneJob()
      .spec({
        backoffLimit: 0,
        activeDeadlineSeconds: 3600,
        trainer: {
          image: "my/trainer:1",
          podLabels: { team: "ml" },
          podAnnotations: { "sim.kubetune.io/succeed-after": "2s" },
        },
      })
      .obj();

    const { job } = render(ftj);

    expect(job.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 3600 });
    expect(job.spec?.template.metadata?.labels).toMatchObject({
      team: "ml",
      "kubetune.io/finetunejob": "ftj-a",
    });
    expect(job.spec?.template.metadata?.annotations).toEqual({
      "sim.kubetune.io/succeed-after": "2s",
    });
    expect(job.spec?.template.spec?.containers[0]?.image).toBe("my/trainer:1");
  });

  it("when the output is s3:// with a credentials Secret, the Secret's keys become the trainer's environment and it writes to a scratch emptyDir", () => {
    const pod = render().job.spec?.template.spec;
    const container = pod?.containers[0];

    expect(container?.envFrom).toEqual([{ secretRef: { name: "model-store" } }]);
    expect(container?.env).toContainEqual({
      name: "KUBETUNE_SCRATCH_DIR",
      value: "/var/lib/kubetune/scratch",
    });
    expect(container?.volumeMounts).toContainEqual({
      name: "scratch",
      mountPath: "/var/lib/kubetune/scratch",
    });
    expect(pod?.volumes).toContainEqual({ name: "scratch", emptyDir: {} });
  });

  it("when the output is file:// without a Secret, the pod gets neither envFrom nor a scratch volume", () => {
    const ftj = makeFineTuneJob()
      .spec({ output: { uri: "file:///mnt/models/out/", format: "gguf" } })
      .obj();
    const pod = render(ftj).job.spec?.template.spec;

    expect(pod?.containers[0]?.envFrom).toBeUndefined();
    expect(pod?.containers[0]?.env?.map((e) => e.name)).not.toContain("KUBETUNE_SCRATCH_DIR");
    expect(pod?.volumes?.map((v) => v.name)).toEqual(["input"]);
  });

  it("when the base model, dataset and output live on claims, mounts each claim once where the trainer looks, writable only for the output", () => {
    const ftj = makeFineTuneJob()
      .spec({
        baseModel: { name: "tiny-llama", uri: "pvc://models/tiny-llama/", parameters: "1B" },
        dataset: { uri: "pvc://datasets/arxiv/train.jsonl", format: "alpaca" },
        output: { uri: "pvc://models/runs/ftj-a/", format: "gguf" },
      })
      .obj();
    const pod = render(ftj).job.spec?.template.spec;

    expect(pod?.volumes?.filter((v) => v.persistentVolumeClaim)).toEqual([
      { name: "claim-0", persistentVolumeClaim: { claimName: "models", readOnly: false } },
      { name: "claim-1", persistentVolumeClaim: { claimName: "datasets", readOnly: true } },
    ]);
    expect(pod?.containers[0]?.volumeMounts).toEqual(
      expect.arrayContaining([
        { name: "claim-0", mountPath: "/mnt/pvc/models", readOnly: false },
        { name: "claim-1", mountPath: "/mnt/pvc/datasets", readOnly: true },
      ]),
    );
  });

  it("when the longest allowed name is used, keeps every child name within 63 characters", () => {
    const objects: { metadata?: { name?: string } }[] = Object.values(
      render(makeFineTuneJob("a".repeat(52)).obj()),
    );
    const lengths = objects.map((o) => o.metadata?.name?.length ?? 0);

    expect(Math.max(...lengths)).toBeLessThanOrEqual(63);
  });
});
