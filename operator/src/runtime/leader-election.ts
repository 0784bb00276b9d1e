// Leader election on a coordination.k8s.io Lease, with client-go's rules: the holder
// renews every retry period; another replica takes over only after the lease has
// expired; every write uses the lease's resourceVersion, so two replicas can never both
// believe they won. A leader that cannot renew within the renew deadline steps down.
import type { KubeConfig, V1Lease } from "@kubernetes/client-node";
import { ApiException, CoordinationV1Api } from "@kubernetes/client-node";
import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "./logger.js";

export interface LeaseOptions {
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds: number;
  renewDeadlineSeconds: number;
  retryPeriodSeconds: number;
}

export const DEFAULT_LEASE_TIMING = {
  leaseDurationSeconds: 15,
  renewDeadlineSeconds: 10,
  retryPeriodSeconds: 2,
};

type Attempt = "leading" | "following";

/**
 * Lease times are MicroTime, which the API server parses with exactly six fractional
 * digits; client-node would send a Date with three and be refused. We send strings.
 */
function microTime(time: Date | string | undefined): Date | undefined {
  if (time === undefined) return undefined;
  const text = new Date(time).toISOString().replace(/\.(\d{3})Z$/, ".$1000Z");
  return text as unknown as Date;
}

function withMicroTimes(lease: V1Lease): V1Lease {
  const spec = lease.spec ?? {};
  const acquireTime = microTime(spec.acquireTime);
  const renewTime = microTime(spec.renewTime);
  return {
    ...lease,
    spec: { ...spec, ...(acquireTime ? { acquireTime } : {}), ...(renewTime ? { renewTime } : {}) },
  };
}

export class LeaderElector {
  private readonly api: CoordinationV1Api;
  private stopped = false;
  private leading = false;

  constructor(
    kc: KubeConfig,
    private readonly options: LeaseOptions,
    private readonly log: Logger,
  ) {
    this.api = kc.makeApiClient(CoordinationV1Api);
  }

  /** A method, not the field, so a stop() during an await is seen (no narrowing). */
  private isStopped(): boolean {
    return this.stopped;
  }

  isLeader(): boolean {
    return this.leading;
  }

  /** Waits until this replica leads, then keeps renewing; resolves when leadership is lost or stop() is called. */
  async run(onStartedLeading: () => void): Promise<void> {
    while (!this.stopped && (await this.attempt()) !== "leading")
      await sleep(this.options.retryPeriodSeconds * 1000);
    if (this.stopped) return;
    this.leading = true;
    this.log.info(
      { lease: this.options.name, identity: this.options.identity },
      "Acquired leader lease",
    );
    onStartedLeading();
    await this.renewUntilLost();
    this.leading = false;
  }

  /** Gives the lease up so a standby replica takes over without waiting for it to expire. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (!this.leading) return;
    this.leading = false;
    const lease = await this.read();
    if (lease?.spec?.holderIdentity !== this.options.identity) return;
    await this.write({
      ...lease,
      spec: { ...lease.spec, holderIdentity: "", renewTime: new Date(0) },
    }).catch(() => undefined);
  }

  private async renewUntilLost(): Promise<void> {
    let lastRenew = Date.now();
    while (!this.stopped) {
      await sleep(this.options.retryPeriodSeconds * 1000);
      if (this.isStopped()) return;
      if ((await this.attempt().catch(() => "following" as const)) === "leading")
        lastRenew = Date.now();
      else if (Date.now() - lastRenew > this.options.renewDeadlineSeconds * 1000) {
        this.log.error({ lease: this.options.name }, "Lost leader lease");
        return;
      }
    }
  }

  private async attempt(): Promise<Attempt> {
    const now = new Date();
    const lease = await this.read();
    if (!lease) return this.create(now);
    const spec = lease.spec ?? {};
    const mine = spec.holderIdentity === this.options.identity;
    if (!mine && spec.holderIdentity && !this.expired(spec, now)) return "following";
    const next = this.claimed(lease, mine, now);
    return (await this.write(next)) ? "leading" : "following";
  }

  /** The lease as this replica writes it when it renews (mine) or takes it over. */
  private claimed(lease: V1Lease, mine: boolean, now: Date): V1Lease {
    const spec = lease.spec ?? {};
    return {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: this.options.identity,
        leaseDurationSeconds: this.options.leaseDurationSeconds,
        renewTime: now,
        // A takeover counts as a transition and starts a new acquire time.
        leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
        acquireTime: mine ? (spec.acquireTime ?? now) : now,
      },
    };
  }

  private expired(spec: NonNullable<V1Lease["spec"]>, now: Date): boolean {
    const renewed = spec.renewTime ? new Date(spec.renewTime).getTime() : 0;
    const duration = (spec.leaseDurationSeconds ?? this.options.leaseDurationSeconds) * 1000;
    return renewed + duration < now.getTime();
  }

  private async read(): Promise<V1Lease | undefined> {
    try {
      return await this.api.readNamespacedLease({
        name: this.options.name,
        namespace: this.options.namespace,
      });
    } catch (error) {
      if (error instanceof ApiException && error.code === 404) return undefined;
      throw error;
    }
  }

  private async create(now: Date): Promise<Attempt> {
    const body: V1Lease = {
      metadata: { name: this.options.name, namespace: this.options.namespace },
      spec: {
        holderIdentity: this.options.identity,
        leaseDurationSeconds: this.options.leaseDurationSeconds,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: 0,
      },
    };
    try {
      await this.api.createNamespacedLease({
        namespace: this.options.namespace,
        body: withMicroTimes(body),
      });
      return "leading";
    } catch (error) {
      if (error instanceof ApiException && error.code === 409) return "following";
      throw error;
    }
  }

  /** Optimistic write: a 409 means another replica wrote first. */
  private async write(lease: V1Lease): Promise<boolean> {
    try {
      await this.api.replaceNamespacedLease({
        name: this.options.name,
        namespace: this.options.namespace,
        body: withMicroTimes(lease),
      });
      return true;
    } catch (error) {
      if (error instanceof ApiException && error.code === 409) return false;
      throw error;
    }
  }
}
