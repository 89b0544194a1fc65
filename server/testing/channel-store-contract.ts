import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BuildUpdates } from '../../src/spec/updates-api.ts';
import { EventHub } from '../builds/event-hub.ts';
import { ChannelPolicies } from '../channels/channel-policies.ts';
import { ChannelService } from '../channels/channel-service.ts';
import type { ChannelStore, NewPolicyRun } from '../store/channel-store.ts';
import type { Store } from '../store/store.ts';
import { BuildUpdatesChecker } from '../updates/build-updates.ts';
import { newBuild } from './store-contract.ts';
import { waitFor } from './wait-for.ts';

/** A fresh, empty database (a data dir or a postgres:// URL) and how to open one more connection to it. */
export interface ChannelStoreLocation {
  open(): { store: Store; channels: ChannelStore };
  cleanup(): Promise<void>;
}

/** A succeeded, boot-verified build of `image`: what a channel may point at. */
async function verifiedBuild(store: Store, sizeGiB: number): Promise<string> {
  const { row } = await store.createOrReuse(await newBuild(sizeGiB, 'workers'), false);
  await store.claimNextQueued('contract');
  await store.appendEvents(row.id, [{ type: 'verify', check: { name: 'kubelet', ok: true, detail: 'v1' } }]);
  await store.finish(row.id, 'succeeded');
  return row.id;
}

const securityUpdates = (buildId: string): BuildUpdates => ({
  buildId,
  checkedAt: new Date().toISOString(),
  count: 1,
  security: 1,
  packages: [{ name: 'openssl', installed: '3.0.1', available: '3.0.2', security: true, source: 'bookworm-security' }],
  unreadable: [],
});

const run = (fromBuild: string, successor: string, channel = 'stable'): NewPolicyRun => ({
  image: 'workers',
  channel,
  from_build: fromBuild,
  updates_key: 'fixes-1',
  successor,
  promote_to: 'candidate',
  security_updates: 2,
  started_at: new Date().toISOString(),
});

/** Channel policies as a process has them: over its own connections, with its own event hub. */
function policiesOn(connection: { store: Store; channels: ChannelStore }, submitted: string[] = []): ChannelPolicies {
  return new ChannelPolicies({
    store: connection.store,
    channelStore: connection.channels,
    hub: new EventHub(),
    channels: new ChannelService(connection.store, connection.channels),
    updates: new BuildUpdatesChecker({ store: connection.store, dataDir: '/nonexistent', policy: { allowLoopback: false, allowedHosts: null } }),
    // the rebuild route's effect on the store: a forced build that supersedes, left queued
    rebuild: async (buildId) => {
      const { row } = await connection.store.createOrReuse({ ...(await newBuild(20, 'workers')), supersedes: buildId }, true);
      submitted.push(row.id);
      return { build: { id: row.id } };
    },
  });
}

/**
 * What the channel store does, the same on SQLite and on Postgres: channels and their
 * history, policies and their runs, a second connection seeing the first one's writes, and
 * claims that let one connection at a time through, so two processes running a policy
 * round at the same moment submit one successor and promote it once.
 */
export function channelStoreContract(kind: string, fresh: () => Promise<ChannelStoreLocation>): void {
  describe(`${kind} channel store contract`, () => {
    let at: ChannelStoreLocation;
    let opened: { store: Store; channels: ChannelStore }[];
    let store: Store;
    let channels: ChannelStore;
    const another = () => {
      const next = at.open();
      opened.push(next);
      return next;
    };
    beforeEach(async () => {
      at = await fresh();
      opened = [];
      ({ store, channels } = another());
    });
    afterEach(async () => {
      for (const connection of opened) {
        await connection.channels.close();
        await connection.store.close();
      }
      await at.cleanup();
    });

    it('moves a channel and records each move with what it replaced, newest first', async () => {
      const first = await verifiedBuild(store, 20);
      const second = await verifiedBuild(store, 21);
      expect(await channels.channel('workers', 'stable')).toBeUndefined();
      await channels.moveChannel({ image: 'workers', channel: 'stable', action: 'promote', toBuild: first, actor: 'ana' });
      await channels.moveChannel({ image: 'workers', channel: 'stable', action: 'promote', toBuild: second, actor: 'ben' });
      await channels.moveChannel({ image: 'workers', channel: 'stable', action: 'rollback', toBuild: first, actor: 'ana' });
      await channels.moveChannel({ image: 'workers', channel: 'beta', action: 'promote', toBuild: second, actor: 'ben' });
      expect(await channels.channel('workers', 'stable')).toMatchObject({ image: 'workers', channel: 'stable', buildId: first });
      expect((await channels.listChannels()).map((c) => [c.channel, c.buildId])).toEqual([
        ['beta', second],
        ['stable', first],
      ]);
      expect((await channels.history('workers', 'stable')).map((h) => [h.action, h.fromBuild, h.toBuild, h.actor])).toEqual([
        ['rollback', second, first, 'ana'],
        ['promote', first, second, 'ben'],
        ['promote', null, first, 'ana'],
      ]);
      // the build store's own reads of the same table: the delete guard and retention
      expect(await store.channelsOfBuild(second)).toEqual([{ image: 'workers', channel: 'beta' }]);
      expect(await store.buildsOnChannels()).toEqual(new Set([first, second]));
    });

    it('keeps policies and their runs, each run once, settled once', async () => {
      const first = await verifiedBuild(store, 20);
      const successor = await verifiedBuild(store, 21);
      await channels.moveChannel({ image: 'workers', channel: 'stable', action: 'promote', toBuild: first, actor: 'ana' });
      const policy = { whenSecurityUpdates: 'build-successor', promoteTo: 'candidate' } as const;
      await channels.savePolicy('workers', 'stable', policy);
      await channels.savePolicy('workers', 'nightly', policy);
      expect(await channels.policy('workers', 'stable')).toEqual(policy);
      // only a channel that exists has a build to act on
      expect(await channels.channelsWithPolicies()).toEqual([{ image: 'workers', channel: 'stable', buildId: first, policy }]);
      await channels.savePolicy('workers', 'nightly', null);
      expect(await channels.policy('workers', 'nightly')).toBeNull();

      await channels.insertPolicyRun(run(first, successor));
      await channels.insertPolicyRun({ ...run(first, first), security_updates: 9 });
      await channels.insertPolicyRun(run(first, successor, 'beta'));
      expect(await channels.successorFor(first, 'fixes-1')).toBe(successor);
      expect(await channels.successorFor(first, 'fixes-2')).toBeUndefined();
      const recorded = await channels.policyRunFor('workers', 'stable', first, 'fixes-1');
      expect(recorded).toMatchObject({ successor, security_updates: 2, outcome: 'building', detail: null, settled_at: null });
      expect(typeof recorded?.id).toBe('number');
      expect((await channels.unsettledPolicyRuns()).map((r) => r.channel)).toEqual(['stable', 'beta']);

      await channels.settlePolicyRun(recorded?.id ?? 0, 'failed', 'boot check failed');
      await channels.settlePolicyRun(recorded?.id ?? 0, 'promoted', null);
      const [settled, ...none] = await channels.policyRuns('workers', 'stable');
      expect(none).toEqual([]);
      expect(settled).toMatchObject({ fromBuild: first, successor, promoteTo: 'candidate', outcome: 'failed', detail: 'boot check failed' });
      expect(settled?.settledAt).toEqual(expect.any(String));
      expect((await channels.unsettledPolicyRuns()).map((r) => r.channel)).toEqual(['beta']);
    });

    it('shows another connection what one wrote', async () => {
      const first = await verifiedBuild(store, 20);
      await channels.moveChannel({ image: 'workers', channel: 'stable', action: 'promote', toBuild: first, actor: 'ana' });
      await channels.savePolicy('workers', 'stable', { whenSecurityUpdates: 'build-successor', promoteTo: 'candidate' });
      const other = another().channels;
      expect((await other.channel('workers', 'stable'))?.buildId).toBe(first);
      expect(await other.history('workers', 'stable')).toHaveLength(1);
      expect((await other.policy('workers', 'stable'))?.promoteTo).toBe('candidate');
    });

    it('lets one connection at a time hold a claim, and claims of other names pass', async () => {
      const other = another().channels;
      const log: string[] = [];
      let waiting: Promise<void> | undefined;
      await channels.withClaim('successor-of b1', async () => {
        log.push('first in');
        waiting = other.withClaim('successor-of b1', async () => void log.push('second in'));
        // a claim of another name is not held up (this would never return if it were)
        await other.withClaim('successor-of b2', async () => void log.push('other name'));
        // several of the other connection's attempts pass while the first holds the claim
        await sleep(300);
        log.push('first out');
      });
      await waiting;
      expect(log).toEqual(['first in', 'other name', 'first out', 'second in']);
      // released when its work throws, too
      await expect(channels.withClaim('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(await other.withClaim('k', async () => 'taken')).toBe('taken');
    });

    it('submits one successor and promotes it once when two processes run the round at the same moment', async () => {
      const first = await verifiedBuild(store, 20);
      const service = new ChannelService(store, channels);
      await service.promote('workers', 'stable', first, 'ana');
      await channels.savePolicy('workers', 'stable', { whenSecurityUpdates: 'build-successor', promoteTo: 'candidate' });
      await channels.savePolicy('workers', 'beta', { whenSecurityUpdates: 'build-successor', promoteTo: 'candidate' });
      await service.promote('workers', 'beta', first, 'ana');
      await store.saveBuildUpdates(securityUpdates(first));

      const submitted: string[] = [];
      // each "process" has its own connections, event hub and services; only the database is shared
      const processes = [another(), another()].map((connection) => policiesOn(connection, submitted));
      expect(await Promise.all(processes.map((p) => p.runAll()))).toEqual([{ failed: 0 }, { failed: 0 }]);
      // stable and beta point at the same build: one successor serves both
      expect(submitted).toHaveLength(1);
      const successor = submitted[0] ?? '';
      expect((await channels.policyRuns('workers', 'stable')).map((r) => [r.successor, r.outcome])).toEqual([[successor, 'building']]);
      expect((await channels.policyRuns('workers', 'beta')).map((r) => [r.successor, r.outcome])).toEqual([[successor, 'building']]);

      await store.claimNextQueued('contract');
      await store.appendEvents(successor, [{ type: 'verify', check: { name: 'kubelet', ok: true, detail: 'v2' } }]);
      await store.finish(successor, 'succeeded');
      await Promise.all(processes.map((p) => p.settle()));
      expect((await channels.history('workers', 'candidate')).map((h) => [h.action, h.toBuild])).toEqual([['promote', successor]]);
      expect((await channels.policyRuns('workers', 'stable'))[0]?.outcome).toBe('promoted');
      expect((await channels.policyRuns('workers', 'beta'))[0]?.outcome).toBe('promoted');
    });

    it('settles on resume a successor that finished while no process ran', async () => {
      const first = await verifiedBuild(store, 20);
      const successor = await verifiedBuild(store, 21);
      await new ChannelService(store, channels).promote('workers', 'stable', first, 'ana');
      await channels.savePolicy('workers', 'stable', { whenSecurityUpdates: 'build-successor', promoteTo: 'candidate' });
      await channels.insertPolicyRun(run(first, successor));
      policiesOn(another()).resume();
      const promoted = await waitFor('the run to settle', async () => {
        const [latest] = await channels.policyRuns('workers', 'stable');
        return latest?.outcome === 'building' ? undefined : latest;
      });
      expect(promoted.outcome).toBe('promoted');
      expect((await channels.history('workers', 'candidate')).map((h) => [h.action, h.toBuild, h.actor])).toEqual([['promote', successor, 'policy:stable']]);
    });
  });
}
