import { createHash } from 'node:crypto';
import { finishedStates } from '../../src/spec/build-events.ts';
import type { ChannelPolicy, ChannelPolicyState } from '../../src/spec/channels-api.ts';
import type { BuildUpdates } from '../../src/spec/updates-api.ts';
import type { EventHub } from '../builds/event-hub.ts';
import { ServiceError } from '../builds/service-error.ts';
import type { BuildStore } from '../store/build-store.ts';
import {
  channelPolicy,
  channelsWithPolicies,
  insertPolicyRun,
  policyRunFor,
  policyRuns,
  saveChannelPolicy,
  settlePolicyRun,
  successorFor,
  unsettledPolicyRuns,
} from '../store/channel-rows.ts';
import type { BuildUpdatesChecker } from '../updates/build-updates.ts';
import type { ChannelService } from './channel-service.ts';

export interface ChannelPoliciesOptions {
  store: BuildStore;
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

/**
 * Channel policies: "when the build this channel points at has security updates, build
 * its successor and put it on `promoteTo` once its boot check passed". The scheduled
 * updates round acts on them; the successor's end settles the run, promoting only a
 * verified build (the channel service's own rule) and recording a failure where the
 * channel shows it.
 */
export class ChannelPolicies {
  /** One submission per build and set of fixes in this process, however many channels or rounds ask at once. */
  private readonly submitting = new Map<string, Promise<string>>();
  private readonly watching = new Map<string, () => void>();
  /** Told of every move a policy makes, so the audit log (kept by the HTTP layer) records it like a person's promotion. */
  onPromoted?: (actor: string, image: string, channel: string, buildId: string) => void;

  constructor(private readonly options: ChannelPoliciesOptions) {
    // successors submitted before a restart finished meanwhile, or still run: settle or watch them
    for (const run of unsettledPolicyRuns(options.store.db)) this.watch(run.successor);
    this.settle();
  }

  state(image: string, channel: string): ChannelPolicyState {
    const { db } = this.options.store;
    return { policy: channelPolicy(db, image, channel), runs: policyRuns(db, image, channel) };
  }

  /** Sets or clears a channel's policy; the channel must exist (a policy acts on the build it points at). */
  set(image: string, channel: string, policy: ChannelPolicy | null): ChannelPolicyState {
    this.options.channels.get(image, channel);
    saveChannelPolicy(this.options.store.db, image, channel, policy);
    return this.state(image, channel);
  }

  /** The scheduled round, after the updates check: settles what finished, then acts on each policy with the kept updates. */
  async runAll(): Promise<{ failed: number }> {
    this.settle();
    let failed = 0;
    // one channel whose build cannot be checked or rebuilt (no SBOM, a full disk) does not stop the rest
    for (const entry of channelsWithPolicies(this.options.store.db)) {
      await this.options.updates
        .updates(entry.buildId)
        .then((updates) => this.act(entry.image, entry.channel, entry.buildId, entry.policy, updates))
        .catch(() => failed++);
    }
    return { failed };
  }

  /** One channel now: its build's updates read again, then the policy applied (the operator's "check now"). */
  async runNow(image: string, channel: string): Promise<ChannelPolicyState> {
    const current = this.options.channels.get(image, channel);
    const policy = channelPolicy(this.options.store.db, image, channel);
    if (!policy) throw new ServiceError('not_found', `${image}/${channel} has no policy`);
    this.settle();
    const updates = await this.options.updates.check(current.buildId, { fresh: true });
    await this.act(image, channel, current.buildId, policy, updates);
    return this.state(image, channel);
  }

  private async act(image: string, channel: string, fromBuild: string, policy: ChannelPolicy, updates: BuildUpdates): Promise<void> {
    if (policy.whenSecurityUpdates !== 'build-successor' || updates.security === 0) return;
    const { db } = this.options.store;
    const updatesKey = securityUpdatesKey(updates);
    if (policyRunFor(db, image, channel, fromBuild, updatesKey)) return;
    const successor = await this.successor(fromBuild, updatesKey);
    insertPolicyRun(db, {
      image,
      channel,
      from_build: fromBuild,
      updates_key: updatesKey,
      successor,
      promote_to: policy.promoteTo,
      security_updates: updates.security,
      started_at: new Date().toISOString(),
    });
    this.watch(successor);
    // a successor shared with another channel's run may have finished already
    this.settle();
  }

  private successor(fromBuild: string, updatesKey: string): Promise<string> {
    const known = successorFor(this.options.store.db, fromBuild, updatesKey);
    if (known) return Promise.resolve(known);
    const flight = `${fromBuild} ${updatesKey}`;
    let pending = this.submitting.get(flight);
    if (!pending) {
      pending = this.options.rebuild(fromBuild).then((result) => result.build.id);
      this.submitting.set(flight, pending);
      // kept until the run row names the successor: later callers find it there
      void pending.then(
        () => setImmediate(() => this.submitting.delete(flight)),
        () => this.submitting.delete(flight),
      );
    }
    return pending;
  }

  private watch(successor: string): void {
    if (this.watching.has(successor)) return;
    const unsubscribe = this.options.hub.subscribe(successor, (events) => {
      if (events.some((e) => e.type === 'state' && finishedStates.includes(e.state))) this.settle();
    });
    this.watching.set(successor, unsubscribe);
  }

  /** Every run whose successor finished: promoted when it verified, otherwise recorded as why not. */
  settle(): void {
    const { store, channels } = this.options;
    for (const run of unsettledPolicyRuns(store.db)) {
      const build = store.getRow(run.successor);
      if (build && !finishedStates.includes(build.state)) continue;
      this.watching.get(run.successor)?.();
      this.watching.delete(run.successor);
      if (!build || build.deleted) {
        settlePolicyRun(store.db, run.id, 'failed', `the successor ${run.successor} is gone`);
      } else if (build.state !== 'succeeded') {
        settlePolicyRun(store.db, run.id, 'failed', `the successor ${build.state}${build.error ? `: ${build.error}` : ''}; nothing was promoted`);
      } else if (channelPolicy(store.db, run.image, run.channel)?.promoteTo !== run.promote_to) {
        // only what the channel's policy says now may move a channel
        settlePolicyRun(store.db, run.id, 'withdrawn', `the policy of ${run.image}/${run.channel} no longer names ${run.promote_to}; nothing was promoted`);
      } else {
        try {
          if (channels.pointsAt(run.image, run.promote_to) !== run.successor) {
            channels.promote(run.image, run.promote_to, run.successor, actorOf(run.channel));
            this.onPromoted?.(actorOf(run.channel), run.image, run.promote_to, run.successor);
          }
          settlePolicyRun(store.db, run.id, 'promoted', null);
        } catch (error) {
          if (!(error instanceof ServiceError)) throw error;
          settlePolicyRun(store.db, run.id, 'not_verified', `${error.message}; nothing was promoted`);
        }
      }
    }
  }
}
