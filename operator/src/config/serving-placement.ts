// Where serving and router pods run, from the operator's environment: a node selector and
// tolerations in the forms `kubectl label` and `kubectl taint` use. A platform team pins
// inference to a CPU pool this way; the local sandbox pins it to its real node, because
// the other nodes there are KWOK's and run nothing.
import type { V1Toleration } from "@kubernetes/client-node";
import { ConfigError } from "./errors.js";

export interface PodPlacement {
  nodeSelector?: Record<string, string>;
  tolerations?: V1Toleration[];
}

const EFFECTS = new Set(["NoSchedule", "PreferNoSchedule", "NoExecute"]);
// A label or taint key: an optional DNS-subdomain prefix and a name of at most 63 characters.
const KEY = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

const items = (raw: string | undefined) =>
  (raw ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");

/** `key=value[,key=value…]`, e.g. `kubetune.io/pool=cpu`. */
export function parseNodeSelector(name: string, raw: string | undefined): Record<string, string> {
  const selector: Record<string, string> = {};
  for (const item of items(raw)) {
    const [key = "", value, extra] = item.split("=");
    if (value === undefined || extra !== undefined || !KEY.test(key) || !VALUE.test(value))
      throw new ConfigError(`${name}: "${item}" is not key=value with a valid label key and value`);
    selector[key] = value;
  }
  return selector;
}

/** One `key[=value][:Effect]` item, or undefined when it is not one. */
function toleration(item: string): V1Toleration | undefined {
  const match = /^([^=:]+)(?:=([^=:]*))?(?::([^=:]*))?$/.exec(item);
  if (!match) return undefined;
  const [, key = "", value, effect] = match;
  const valid = KEY.test(key) && VALUE.test(value ?? "") && EFFECTS.has(effect ?? "NoSchedule");
  if (!valid) return undefined;
  return {
    key,
    ...(value === undefined ? { operator: "Exists" } : { operator: "Equal", value }),
    ...(effect === undefined ? {} : { effect }),
  };
}

/** `key[=value][:Effect][,…]`: with a value the toleration matches it, without any value. */
export function parseTolerations(name: string, raw: string | undefined): V1Toleration[] {
  return items(raw).map((item) => {
    const parsed = toleration(item);
    if (!parsed)
      throw new ConfigError(
        `${name}: "${item}" is not key[=value][:Effect] with Effect one of ${[...EFFECTS].join(", ")}`,
      );
    return parsed;
  });
}

export function servingPlacementFromEnv(env: NodeJS.ProcessEnv): PodPlacement {
  const nodeSelector = parseNodeSelector(
    "KUBETUNE_SERVING_NODE_SELECTOR",
    env.KUBETUNE_SERVING_NODE_SELECTOR,
  );
  const tolerations = parseTolerations(
    "KUBETUNE_SERVING_TOLERATIONS",
    env.KUBETUNE_SERVING_TOLERATIONS,
  );
  return {
    ...(Object.keys(nodeSelector).length > 0 ? { nodeSelector } : {}),
    ...(tolerations.length > 0 ? { tolerations } : {}),
  };
}
