// client-node 1.x builds a new https.Agent for every API call, so every request pays a
// TCP and TLS handshake (client certificate included) and no connection is ever reused.
// Under load that handshake, on both ends, is most of a request's cost. The operator
// instead sends every request, watches included, through one keep-alive agent.
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { KubeConfig } from "@kubernetes/client-node";
import type { RequestContext } from "@kubernetes/client-node";

type AnyAgent = HttpAgent | HttpsAgent;

class SharedAgentKubeConfig extends KubeConfig {
  private shared: AnyAgent | undefined;

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const perCall = context.getAgent();
    if (perCall) context.setAgent(this.sharedLike(perCall));
  }

  override async applyToHTTPSOptions(
    opts: Parameters<KubeConfig["applyToHTTPSOptions"]>[0],
  ): Promise<void> {
    await super.applyToHTTPSOptions(opts);
    const options = opts as { agent?: unknown };
    if (options.agent instanceof HttpAgent) options.agent = this.sharedLike(options.agent);
  }

  /** The first per-call agent's TLS options, with keep-alive, serve every later call. */
  private sharedLike(perCall: AnyAgent): AnyAgent {
    // Proxy agents (a cluster's proxy-url) are left as they are.
    if (perCall.constructor !== HttpsAgent && perCall.constructor !== HttpAgent) return perCall;
    if (!this.shared) {
      const options = { ...(perCall as HttpsAgent).options, keepAlive: true };
      this.shared =
        perCall instanceof HttpsAgent ? new HttpsAgent(options) : new HttpAgent(options);
    }
    return this.shared;
  }
}

/** A copy of `kc` whose API calls and watches all share one keep-alive connection pool. */
export function withSharedAgent(kc: KubeConfig): KubeConfig {
  if (kc instanceof SharedAgentKubeConfig) return kc;
  const shared = new SharedAgentKubeConfig();
  shared.loadFromOptions({
    clusters: kc.getClusters(),
    users: kc.getUsers(),
    contexts: kc.getContexts(),
    currentContext: kc.getCurrentContext(),
  });
  return shared;
}
