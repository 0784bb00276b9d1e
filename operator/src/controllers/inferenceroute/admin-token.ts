// The route's admin token: what the operator pushes tables to its routers with. Made once,
// random, kept in a Secret the route owns (the routers read it from their environment),
// and remembered per route so a reconcile reads the Secret only after a restart.
import { createHash, randomBytes } from "node:crypto";
import type { V1Secret } from "@kubernetes/client-node";
import type { InferenceRoute } from "@kubetune/api";
import type { KubeClient } from "../../runtime/client.js";
import { Kinds } from "../../runtime/kinds.js";
import { ADMIN_TOKEN_KEY, adminSecret } from "./desired.js";
import { routerNames } from "./names.js";

export class AdminTokens {
  private readonly known = new Map<string, string>();

  constructor(private readonly client: KubeClient) {}

  async tokenFor(route: InferenceRoute): Promise<string> {
    const namespace = route.metadata.namespace ?? "default";
    // The uid: a route deleted and made again gets a new Secret and a new token.
    const id = `${namespace}/${route.metadata.name}/${route.metadata.uid ?? ""}`;
    const remembered = this.known.get(id);
    if (remembered !== undefined) return remembered;
    const secret = await this.client.get<V1Secret>(Kinds.Secret, {
      namespace,
      name: routerNames(route.metadata.name).adminSecret,
    });
    const stored = secret?.data?.[ADMIN_TOKEN_KEY];
    const token = stored ? Buffer.from(stored, "base64").toString("utf8") : newToken();
    if (!stored) await this.client.apply(adminSecret(route, token));
    this.known.set(id, token);
    return token;
  }
}

const newToken = () => randomBytes(32).toString("base64url");

/** Goes into the router pods' template, so a replaced token rolls them onto the new one. */
export const tokenFingerprint = (token: string) =>
  createHash("sha256").update(token).digest("hex").slice(0, 16);
