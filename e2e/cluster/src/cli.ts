// npm run cluster:up | cluster:down | cluster:status [-- --name <name>] [--layout <pools.yaml>] [--no-real-node]
// npm run cluster:import -- [--name <name>] <oci-archive>...
// The local control plane for the sandbox and the test suites; see e2e/cluster/README.md.
import { parseArgs } from "node:util";
import { startCluster, stopCluster } from "./cluster.js";
import { clusterDir } from "./paths.js";
import { describeCluster } from "./status.js";
import { readState } from "./state.js";
import { clusterFiles } from "./layout.js";
import { importImages } from "./node/images-api.js";

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    name: { type: "string", default: "local" },
    layout: { type: "string" },
    "no-real-node": { type: "boolean" },
  },
});
const [command, ...args] = positionals;
const name = values.name;

async function up(): Promise<number> {
  console.error(
    `Starting cluster "${name}" (a cold first run builds the binaries from source: many minutes)`,
  );
  const { state, alreadyRunning } = await startCluster({
    name,
    ...(values.layout ? { layoutFile: values.layout } : {}),
    ...(values["no-real-node"] ? { realNode: false } : {}),
  });
  if (alreadyRunning) console.log(`Cluster "${name}" is already running.`);
  else console.log(`Cluster "${name}" is ready in ${state.readySeconds}s.`);
  console.log(`export KUBECONFIG=${state.kubeconfig}`);
  return 0;
}

async function down(): Promise<number> {
  const state = await stopCluster(name);
  console.log(
    state
      ? `Stopped cluster "${name}" and removed ${state.dir}`
      : `No cluster "${name}" is running.`,
  );
  return 0;
}

function status(): number {
  const state = readState(clusterFiles(clusterDir(name)).state);
  if (!state) {
    console.log(`No cluster "${name}".`);
    return 1;
  }
  console.log(describeCluster(state));
  return 0;
}

async function importCommand(): Promise<number> {
  if (args.length === 0) {
    console.error("usage: cluster:import -- [--name <name>] <oci-archive>...");
    return 2;
  }
  for (const image of await importImages(name, args)) console.log(`imported ${image}`);
  return 0;
}

const commands: Record<string, () => Promise<number> | number> = {
  up,
  down,
  status,
  import: importCommand,
};
const run = command ? commands[command] : undefined;
if (!run) {
  console.error(
    "usage: cli.ts up|down|status|import [--name <name>] [--layout <file>] [--no-real-node] [archive...]",
  );
  process.exitCode = 2;
} else {
  try {
    process.exitCode = await run();
  } catch (error) {
    console.error(`cluster ${command} failed: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
