// The cluster commands for ML engineers: status, versions, promote, rollback. Each reads
// with the current kubeconfig (or the Connect tests give it) and answers in sentences.
import type { InferenceRoute, ModelVersion } from "@kubetune/api";
import { Kinds } from "../runtime/kinds.js";
import type { Cluster, Connect } from "./cluster.js";
import { talk } from "./cluster.js";
import type { CliIo, Command } from "./command.js";
import { CliError, ExitCode } from "./command.js";
import { parseClusterArgs } from "./cluster-args.js";
import type { Plan } from "./promote-plan.js";
import { planPromote, planRollback } from "./promote-plan.js";
import { renderRouteStatus } from "./route-text.js";
import { renderVersions } from "./versions-text.js";

const NAMESPACE_HELP =
  "  -n, --namespace <ns>  namespace (default: the kubeconfig context's, else default)";

async function readRoute(cluster: Cluster, name: string): Promise<InferenceRoute> {
  const route = await talk(`read InferenceRoute ${name}`, () =>
    cluster.client.get<InferenceRoute>(Kinds.InferenceRoute, {
      namespace: cluster.namespace,
      name,
    }),
  );
  if (!route)
    throw new CliError(`InferenceRoute ${name} does not exist in namespace ${cluster.namespace}.`);
  return route;
}

async function readVersions(cluster: Cluster, model: string): Promise<ModelVersion[]> {
  const all = await talk("list ModelVersions", () =>
    cluster.client.list<ModelVersion>(Kinds.ModelVersion, { namespace: cluster.namespace }),
  );
  return all.filter((v) => v.spec.model === model);
}

async function apply(cluster: Cluster, route: InferenceRoute, plan: Plan): Promise<void> {
  const scope = { namespace: cluster.namespace };
  for (const { name, patch } of plan.versions)
    await talk(`change ModelVersion ${name}`, () =>
      cluster.client.patch(Kinds.ModelVersion, { ...scope, name }, patch),
    );
  await talk(`change InferenceRoute ${route.metadata.name}`, () =>
    cluster.client.patch(Kinds.InferenceRoute, { ...scope, name: route.metadata.name }, plan.route),
  );
}

interface Spec {
  name: string;
  summary: string;
  positionals: string[];
  usage: string;
  act: (
    cluster: Cluster,
    args: { positionals: string[]; now: boolean; json: boolean },
    io: CliIo,
  ) => Promise<number>;
}

function command(spec: Spec, connect: Connect): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    run: async (args, io) => {
      const parsed = parseClusterArgs(args, spec.usage, spec.positionals);
      if (parsed.help) {
        io.out(spec.usage);
        return ExitCode.Ok;
      }
      const cluster = connect(parsed.namespace);
      return spec.act(cluster, { ...parsed, json: parsed.output === "json" }, io);
    },
  };
}

const specs: Spec[] = [
  {
    name: "status",
    summary: "Show an InferenceRoute's variants, weights, readiness and rollout",
    positionals: ["route"],
    usage: `Usage: kubetune status <route> [-n <namespace>] [-o table|json]\n\nShows the route's variants with their desired and applied weights, ready replicas and\nendpoints, the cascade, the rollout step and last analysis, and the conditions.\n\n${NAMESPACE_HELP}`,
    act: async (cluster, { positionals, json }, io) => {
      const route = await readRoute(cluster, positionals[0] ?? "");
      io.out(json ? JSON.stringify(route.status ?? {}, null, 2) : renderRouteStatus(route));
      return ExitCode.Ok;
    },
  },
  {
    name: "versions",
    summary: "List a model's versions: stages, lineage, metrics, stage history",
    positionals: ["model"],
    usage: `Usage: kubetune versions <model> [-n <namespace>] [-o table|json]\n\nThe registry view of a model: every ModelVersion with its stage, runtime, readiness and\nendpoint, then each one's lineage, evaluation metrics and stage history.\n\n${NAMESPACE_HELP}`,
    act: async (cluster, { positionals, json }, io) => {
      const model = positionals[0] ?? "";
      const versions = await readVersions(cluster, model);
      if (versions.length === 0)
        throw new CliError(
          `Model ${model} has no ModelVersions in namespace ${cluster.namespace}.`,
        );
      io.out(json ? JSON.stringify(versions, null, 2) : renderVersions(model, versions));
      return ExitCode.Ok;
    },
  },
  {
    name: "promote",
    summary: "Roll a variant out on a route, or with --now send it all traffic",
    positionals: ["route", "variant|modelversion"],
    usage: `Usage: kubetune promote <route> <variant|modelversion> [--now] [-n <namespace>]\n\nWithout --now, starts the route's rollout (spec.rollout) with this variant as the\ncandidate; it becomes production when the last step passes its analysis. With --now, sends\nthe variant all traffic at once and makes its ModelVersion production.\n\n      --now             switch all traffic now instead of walking the rollout steps\n${NAMESPACE_HELP}`,
    act: async (cluster, { positionals, now }, io) => {
      const route = await readRoute(cluster, positionals[0] ?? "");
      const versions = await readVersions(cluster, route.spec.model);
      const input = {
        route,
        versions,
        target: positionals[1] ?? "",
        now,
        user: cluster.user,
        time: cluster.now(),
      };
      const plan = planPromote(input);
      await apply(cluster, route, plan);
      io.out(plan.message);
      return ExitCode.Ok;
    },
  },
  {
    name: "rollback",
    summary: "Abort a route's rollout, or send all traffic back to the previous production version",
    positionals: ["route"],
    usage: `Usage: kubetune rollback <route> [-n <namespace>]\n\nWhile a rollout runs, aborts it (all traffic back to the stable variants). Otherwise sends all\ntraffic to the variant whose ModelVersion was production before the current one and makes it\nproduction again.\n\n${NAMESPACE_HELP}`,
    act: async (cluster, { positionals }, io) => {
      const route = await readRoute(cluster, positionals[0] ?? "");
      const versions = await readVersions(cluster, route.spec.model);
      const plan = planRollback(route, versions, cluster.user, cluster.now());
      await apply(cluster, route, plan);
      io.out(plan.message);
      return ExitCode.Ok;
    },
  },
];

export function servingCommands(connect: Connect): Command[] {
  return specs.map((spec) => command(spec, connect));
}
