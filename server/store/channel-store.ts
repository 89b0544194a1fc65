import type { ChannelHistoryEntry, ChannelPolicy, PolicyRun } from '../../src/spec/channels-api.ts';

export interface ChannelRecord {
  image: string;
  channel: string;
  buildId: string;
  updatedAt: string;
}

export interface ChannelMove {
  image: string;
  channel: string;
  action: ChannelHistoryEntry['action'];
  toBuild: string;
  actor: string;
}

export interface PolicyRunRow {
  id: number;
  image: string;
  channel: string;
  from_build: string;
  updates_key: string;
  successor: string;
  promote_to: string;
  security_updates: number;
  outcome: PolicyRun['outcome'];
  detail: string | null;
  started_at: string;
  settled_at: string | null;
}

export type NewPolicyRun = Omit<PolicyRunRow, 'id' | 'outcome' | 'detail' | 'settled_at'>;

export const policyRunOf = (row: PolicyRunRow): PolicyRun => ({
  fromBuild: row.from_build,
  successor: row.successor,
  promoteTo: row.promote_to,
  outcome: row.outcome,
  detail: row.detail,
  securityUpdates: row.security_updates,
  startedAt: row.started_at,
  settledAt: row.settled_at,
});

/**
 * The channel service's and the channel policies' own tables: channels and their history
 * (migration 2), policies and their runs (migration 3). SQLite
 * (server/store/sqlite-channel-store.ts) and Postgres
 * (server/store/postgres/postgres-channel-store.ts) implement it, and one contract
 * (server/testing/channel-store-contract.ts) runs against both.
 */
export interface ChannelStore {
  listChannels(): Promise<ChannelRecord[]>;
  channel(image: string, channel: string): Promise<ChannelRecord | undefined>;
  /** Points the channel at `toBuild` (creating it) and records the move from what it pointed at, as one transaction. */
  moveChannel(move: ChannelMove): Promise<void>;
  /** Every move of the channel, newest first. */
  history(image: string, channel: string): Promise<ChannelHistoryEntry[]>;

  policy(image: string, channel: string): Promise<ChannelPolicy | null>;
  /** Sets the channel's policy, or clears it with null. */
  savePolicy(image: string, channel: string, policy: ChannelPolicy | null): Promise<void>;
  /** Every channel with a policy, and the build it points at now. */
  channelsWithPolicies(): Promise<{ image: string; channel: string; buildId: string; policy: ChannelPolicy }[]>;
  /** The channel's newest runs, newest first. */
  policyRuns(image: string, channel: string, limit?: number): Promise<PolicyRun[]>;
  policyRunFor(image: string, channel: string, fromBuild: string, updatesKey: string): Promise<PolicyRunRow | undefined>;
  /** The successor some policy already submitted for this build and these updates: one successor serves every channel. */
  successorFor(fromBuild: string, updatesKey: string): Promise<string | undefined>;
  /** Records a run as building; a run already recorded for the same channel, build and updates stays as it is. */
  insertPolicyRun(run: NewPolicyRun): Promise<void>;
  unsettledPolicyRuns(): Promise<PolicyRunRow[]>;
  settlePolicyRun(id: number, outcome: Exclude<PolicyRun['outcome'], 'building'>, detail: string | null): Promise<void>;

  /**
   * Runs `work` while this connection alone holds the claim named `key`, across every
   * connection and process on the same database; waits for a claim another holds. So a
   * policy's decide-submit-record step, or a settle, runs once however many API processes
   * run a round at the same moment.
   */
  withClaim<T>(key: string, work: () => Promise<T>): Promise<T>;

  close(): Promise<void>;
}
