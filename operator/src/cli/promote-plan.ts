// What `kubetune promote` and `kubetune rollback` change, as pure functions from the
// route and its model's versions to merge patches and a sentence saying what was done.
import type { InferenceRoute, ModelVersion } from "@kubetune/api";
import {
  ABORT_ANNOTATION,
  PAUSED_ANNOTATION,
  RESTART_ANNOTATION,
} from "../controllers/inferenceroute/rollout.js";
import { stageChangePatch } from "../controllers/modelversion/stage.js";
import { CliError } from "./command.js";

export interface Plan {
  route: object;
  versions: { name: string; patch: object }[];
  message: string;
}

type Variant = InferenceRoute["spec"]["variants"][number];

export function findVariant(route: InferenceRoute, target: string): Variant {
  const variant =
    route.spec.variants.find((v) => v.name === target) ??
    route.spec.variants.find((v) => v.modelVersion === target);
  if (variant) return variant;
  const known = route.spec.variants.map((v) => `${v.name} (${v.modelVersion})`).join(", ");
  throw new CliError(
    `InferenceRoute ${route.metadata.name} has no variant or ModelVersion named ${target}; its variants are ${known}.`,
  );
}

/** All traffic to one variant, any rollout dropped. */
function allTo(route: InferenceRoute, name: string): object {
  return {
    metadata: { annotations: { [ABORT_ANNOTATION]: null, [PAUSED_ANNOTATION]: null } },
    spec: {
      rollout: null,
      variants: route.spec.variants.map((v) => ({ ...v, weight: v.name === name ? 100 : 0 })),
    },
  };
}

export interface PromoteInput {
  route: InferenceRoute;
  versions: readonly ModelVersion[];
  target: string;
  now: boolean;
  user: string;
  time: Date;
}

export function planPromote(input: PromoteInput): Plan {
  const { route, versions } = input;
  const variant = findVariant(route, input.target);
  const mv = versions.find((v) => v.metadata.name === variant.modelVersion);
  if (!mv) throw new CliError(`ModelVersion ${variant.modelVersion} does not exist.`);
  if (mv.spec.stage === "archived")
    throw new CliError(
      `ModelVersion ${mv.metadata.name} is archived; set its stage to staging before promoting it.`,
    );
  if (input.now) {
    const stage = stageChangePatch("production", input.user, input.time);
    return {
      route: allTo(route, variant.name),
      versions: mv.spec.stage === "production" ? [] : [{ name: mv.metadata.name, patch: stage }],
      message: `Sent all traffic of ${route.metadata.name} to variant ${variant.name} (${mv.metadata.name}) and made ${mv.metadata.name} the production version of ${mv.spec.model}.`,
    };
  }
  const rollout = route.spec.rollout;
  if (!rollout)
    throw new CliError(
      `InferenceRoute ${route.metadata.name} has no spec.rollout to walk; add its steps, or use --now to switch all traffic at once.`,
    );
  return {
    route: {
      metadata: {
        annotations: {
          [RESTART_ANNOTATION]: input.time.toISOString(),
          [ABORT_ANNOTATION]: null,
          [PAUSED_ANNOTATION]: null,
        },
      },
      spec: { rollout: { candidate: variant.name } },
    },
    versions: [],
    message: `Started rolling out variant ${variant.name} (${mv.metadata.name}) on ${route.metadata.name}: ${rollout.steps.map((s) => `${s.weight}%`).join(" → ")}; it becomes production when the last step passes. Follow it with kubetune status ${route.metadata.name}.`,
  };
}

const RUNNING = ["StepPaused", "AnalysisUnavailable", "Paused"];

export function planRollback(
  route: InferenceRoute,
  versions: readonly ModelVersion[],
  user: string,
  time: Date,
): Plan {
  const progressing = route.status?.conditions?.find((c) => c.type === "Progressing");
  if (route.spec.rollout && progressing && RUNNING.includes(progressing.reason))
    return {
      route: { metadata: { annotations: { [ABORT_ANNOTATION]: "true" } } },
      versions: [],
      message: `Aborted the rollout of ${route.spec.rollout.candidate} on ${route.metadata.name}; all traffic goes back to the other variants.`,
    };
  const target = previousProduction(route, versions);
  const variant = route.spec.variants.find((v) => v.modelVersion === target?.metadata.name);
  if (!target || !variant)
    throw new CliError(
      `InferenceRoute ${route.metadata.name} has no rollout in progress and none of its variants serves an earlier production version to go back to.`,
    );
  return {
    route: allTo(route, variant.name),
    versions:
      target.spec.stage === "production"
        ? []
        : [{ name: target.metadata.name, patch: stageChangePatch("production", user, time) }],
    message: `Sent all traffic of ${route.metadata.name} back to variant ${variant.name} (${target.metadata.name}), which is production again.`,
  };
}

/** The variant version that most recently left production, else the current production one if it is not already taking everything. */
function previousProduction(
  route: InferenceRoute,
  versions: readonly ModelVersion[],
): ModelVersion | undefined {
  const named = versions.filter((v) =>
    route.spec.variants.some((x) => x.modelVersion === v.metadata.name),
  );
  const leftAt = (mv: ModelVersion) => {
    const history = mv.status?.stageHistory ?? [];
    let left = "";
    history.forEach((change, i) => {
      const next = history[i + 1];
      if (change.stage === "production" && next) left = new Date(next.time).toISOString();
    });
    return left;
  };
  const demoted = named
    .filter((v) => v.spec.stage !== "production" && v.spec.stage !== "archived" && leftAt(v) !== "")
    .sort((a, b) => leftAt(b).localeCompare(leftAt(a)));
  if (demoted[0]) return demoted[0];
  const production = named.find((v) => v.spec.stage === "production");
  const variant = route.spec.variants.find((v) => v.modelVersion === production?.metadata.name);
  return variant && variant.weight < 100 ? production : undefined;
}
