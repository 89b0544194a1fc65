import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChannelPolicy, PolicyRun } from '../../src/spec/channels-api.ts';
import * as rows from './channel-rows.ts';
import type { ChannelMove, ChannelStore, NewPolicyRun } from './channel-store.ts';
import type { SqliteDatabase } from './open-database.ts';

/** Longer than any step taken under a claim (a successor's submission): only a dead holder's claim is this old. */
const STALE_CLAIM_MS = 10 * 60_000;
const CLAIM_POLL_MS = 50;

/**
 * The channel store on the SQLite file: today's synchronous rows behind the async
 * interface. The file has no session locks, so a claim is a row taken under BEGIN
 * IMMEDIATE and deleted after; a claim left by a process that died is taken over once stale.
 */
export class SqliteChannelStore implements ChannelStore {
  constructor(private readonly db: SqliteDatabase) {}

  async listChannels() {
    return rows.listChannels(this.db);
  }
  async channel(image: string, channel: string) {
    return rows.channelRecord(this.db, image, channel);
  }
  async moveChannel(move: ChannelMove) {
    rows.moveChannel(this.db, move);
  }
  async history(image: string, channel: string) {
    return rows.channelHistory(this.db, image, channel);
  }
  async policy(image: string, channel: string) {
    return rows.channelPolicy(this.db, image, channel);
  }
  async savePolicy(image: string, channel: string, policy: ChannelPolicy | null) {
    rows.saveChannelPolicy(this.db, image, channel, policy);
  }
  async channelsWithPolicies() {
    return rows.channelsWithPolicies(this.db);
  }
  async policyRuns(image: string, channel: string, limit?: number) {
    return rows.policyRuns(this.db, image, channel, limit);
  }
  async policyRunFor(image: string, channel: string, fromBuild: string, updatesKey: string) {
    return rows.policyRunFor(this.db, image, channel, fromBuild, updatesKey);
  }
  async successorFor(fromBuild: string, updatesKey: string) {
    return rows.successorFor(this.db, fromBuild, updatesKey);
  }
  async insertPolicyRun(run: NewPolicyRun) {
    rows.insertPolicyRun(this.db, run);
  }
  async unsettledPolicyRuns() {
    return rows.unsettledPolicyRuns(this.db);
  }
  async settlePolicyRun(id: number, outcome: Exclude<PolicyRun['outcome'], 'building'>, detail: string | null) {
    rows.settlePolicyRun(this.db, id, outcome, detail);
  }

  async withClaim<T>(key: string, work: () => Promise<T>): Promise<T> {
    const holder = randomUUID();
    while (!rows.takeChannelClaim(this.db, key, holder, STALE_CLAIM_MS)) await sleep(CLAIM_POLL_MS);
    try {
      return await work();
    } finally {
      rows.releaseChannelClaim(this.db, key, holder);
    }
  }

  /** The database belongs to the build store, which closes it. */
  async close(): Promise<void> {}
}
