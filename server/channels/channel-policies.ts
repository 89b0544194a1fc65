import { createHash } from 'node:crypto';
import { finishedStates } from '../../src/spec/build-events.ts';
import type { ChannelPolicy, ChannelPolicyState } from '../../src/spec/channels-api.ts';
import type { BuildUpdates } from '../../src/spec/updates-api.ts';
import type { EventHub } from '../builds/event-hub.ts';
import { ServiceError } from '../builds/service-error.ts';
import type { ChannelStore, PolicyRunRow } from '../store/channel-store.ts';
import type { Store } from '../store/store.ts';
import type { BuildUpdatesChecker } from '../updates/build-updates.ts';
import type { ChannelService } from './channel-service.ts';

export interface ChannelPoliciesOptions {
  store: Store;
  channelStore: ChannelStore;
  hub: EventHub;
  channels: ChannelService;
  updates: BuildUpdatesChecker;
  /** Submits the successor of a succeeded build: the same path as the rebuild route (supersedes). */
  rebuild: (buildId: string) => Promise<{ build: { id: string } }>;
}

/**
 * Which security fixes a successor is built for. The same fixes found again on the next
 * round name the same successor, so a round never builds twice for what it already built
 * (or tried to); a new fix makes a new key and may try again after a failed successor.
 */
export function securityUpdatesKey(updates: BuildUpdates): string {
  const fixes = updates.packages
    .filter((p) => p.security)
    .map((p) => `${p.name} ${p.available} ${p.source}`)
    .sort();
  return createHash('sha256').update(fixes.join('\n')).digest('hex');
}

const actorOf = (channel: string) => `policy:${channel}`;
/** One claim per build a policy acts on: channels sharing a build share its successor, whichever process submits it. */
const successorClaim = (fromBuild: string) => `successor-of ${fromBuild}`;
/** Settling (and so promoting) is one claim: two processes hearing of the same finished successor promote it once. */
const SETTLE_CLAIM = 'settle';

/**
 * Channel policies: "when the build this channel points at has security updates, build
 * its successor and put it on `promoteTo` once its boot check passed". The scheduled
 * updates round acts on them; the successor's end settles the run, promoting only a
 * verified build (the channel service's own rule) and recording a failure where the
 * channel shows it. Every decision is taken under a claim of the channel store, so API
 * processes running the round at the same moment act once.
 */
export class ChannelPolicies {
  private readonly watching = new Map<string, () => void>();
  /** Told of every move a policy makes, so the audit log (kept by the HTTP layer) records it like a person's promotion. */
  onPromoted?: (actor: string, image: string, channel: string, buildId: string) => void;

  constructor(private readonly options: ChannelPoliciesOptions) {}

  /**
   * Successors submitted before a restart finished meanwhile, or still run: settles or
   * watches them (a database not reachable yet leaves it to the first round). Called by an
   * API process once its audit is wired; a worker never settles, so no move goes unaudited.
   */
  resume(): void {
    this.settleLater();
  }

  async state(image: string, channel: string): Promise<ChannelPolicyState> {
    const { channelStore } = this.options;
    return { policy: await channelStore.policy(image, channel), runs: await channelStore.policyRuns(image, channel) };
  }

  /** Sets or clears a channel's policy; the channel must exist (a policy acts on the build it points at). */
  async set(image: string, channel: string, policy: ChannelPolicy | null): Promise<ChannelPolicyState> {
    await this.options.channels.get(image, channel);
    await this.options.channelStore.savePolicy(image, channel, policy);
    return this.state(image, channel);
  }

  /** The scheduled round, after the updates check: settles what finished, then acts on each policy with the kept updates. */
  async runAll(): Promise<{ failed: number }> {
    await this.settle();
    let failed = 0;
    // one channel whose build cannot be checked or rebuilt (no SBOM, a full disk) does not stop the rest
    for (const entry of await this.options.channelStore.channelsWithPolicies()) {
      await this.options.updates
        .updates(entry.buildId)
        .then((updates) => this.act(entry.image, entry.channel, entry.buildId, entry.policy, updates))
        .catch(() => failed++);
    }
    return { failed };
  }

  /** One channel now: its build's updates read again, then the policy applied (the operator's "check now"). */
  async runNow(image: string, channel: string): Promise<ChannelPolicyState> {
    const current = await this.options.channels.get(image, channel);
    const policy = await this.options.channelStore.policy(image, channel);
    if (!policy) throw new ServiceError('not_found', `${image}/${channel} has no policy`);
    await this.settle();
    const updates = await this.options.updates.check(current.buildId, { fresh: true });
    await this.act(image, channel, current.buildId, policy, updates);
    return this.state(image, channel);
  }

  private async act(image: string, channel: string, fromBuild: string, policy: ChannelPolicy, updates: BuildUpdates): Promise<void> {
    if (policy.whenSecurityUpdates !== 'build-successor' || updates.security === 0) return;
    const { channelStore } = this.options;
    const updatesKey = securityUpdatesKey(updates);
    // decided, submitted and recorded under the claim: whoever comes next finds the run (or the successor) recorded
    const acted = await channelStore.withClaim(successorClaim(fromBuild), async () => {
      if (await channelStore.policyRunFor(image, channel, fromBuild, updatesKey)) return false;
      const successor = (await channelStore.successorFor(fromBuild, updatesKey)) ?? (await this.options.rebuild(fromBuild)).build.id;
      await channelStore.insertPolicyRun({
        image,
        channel,
        from_build: fromBuild,
        updates_key: updatesKey,
        successor,
        promote_to: policy.promoteTo,
        security_updates: updates.security,
        started_at: new Date().toISOString(),
      });
      return true;
    });
    // watches the new successor; one shared with another channel's run may have finished already
    if (acted) await this.settle();
  }

  private watch(successor: string): void {
    if (this.watching.has(successor)) return;
    const unsubscribe = this.options.hub.subscribe(successor, (events) => {
      if (events.some((e) => e.type === 'state' && finishedStates.includes(e.state))) this.settleLater();
    });
    this.watching.set(successor, unsubscribe);
  }

  private unwatch(successor: string): void {
    this.watching.get(successor)?.();
    this.watching.delete(successor);
  }

  /** For a caller that cannot wait: a settle that fails (the database away) is done again by the next round. */
  private settleLater(): void {
    void this.settle().catch(() => undefined);
  }

  /** Every run whose successor finished: promoted when it verified, otherwise recorded as why not; the others watched. */
  async settle(): Promise<void> {
    const { channelStore } = this.options;
    await channelStore.withClaim(SETTLE_CLAIM, async () => {
      for (const run of await channelStore.unsettledPolicyRuns()) await this.settleRun(run);
    });
  }

  private async settleRun(run: PolicyRunRow): Promise<void> {
    const { store, channelStore, channels } = this.options;
    // watched before its state is read, so a finish in between is still heard
    this.watch(run.successor);
    const build = await store.getRow(run.successor);
    if (build && !finishedStates.includes(build.state)) return;
    this.unwatch(run.successor);
    if (!build || build.deleted) {
      await channelStore.settlePolicyRun(run.id, 'failed', `the successor ${run.successor} is gone`);
    } else if (build.state !== 'succeeded') {
      await channelStore.settlePolicyRun(run.id, 'failed', `the successor ${build.state}${build.error ? `: ${build.error}` : ''}; nothing was promoted`);
    } else if ((await channelStore.policy(run.image, run.channel))?.promoteTo !== run.promote_to) {
      // only what the channel's policy says now may move a channel
      await channelStore.settlePolicyRun(
        run.id,
        'withdrawn',
        `the policy of ${run.image}/${run.channel} no longer names ${run.promote_to}; nothing was promoted`,
      );
    } else {
      try {
        if ((await channels.pointsAt(run.image, run.promote_to)) !== run.successor) {
          await channels.promote(run.image, run.promote_to, run.successor, actorOf(run.channel));
          this.onPromoted?.(actorOf(run.channel), run.image, run.promote_to, run.successor);
        }
        await channelStore.settlePolicyRun(run.id, 'promoted', null);
      } catch (error) {
        if (!(error instanceof ServiceError)) throw error;
        await channelStore.settlePolicyRun(run.id, 'not_verified', `${error.message}; nothing was promoted`);
      }
    }
  }
}
