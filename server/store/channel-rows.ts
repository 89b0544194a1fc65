import type { SqliteDatabase } from './open-database.ts';
import { channelPolicySchema, type ChannelPolicy, type PolicyRun } from '../../src/spec/channels-api.ts';

/** Reads of the channels table (migration 2) that code outside the channel service needs, and the policy tables (migration 3). */

/** The channels pointing at a build: it cannot be deleted while there are any. */
export function channelsOfBuild(db: SqliteDatabase, buildId: string): { image: string; channel: string }[] {
  return db.prepare('SELECT image, channel FROM channels WHERE build_id = ? ORDER BY image, channel').all(buildId) as { image: string; channel: string }[];
}

/** Every build some channel points at: retention keeps them. */
export function buildsOnChannels(db: SqliteDatabase): Set<string> {
  const rows = db.prepare('SELECT DISTINCT build_id FROM channels').all() as { build_id: string }[];
  return new Set(rows.map((row) => row.build_id));
}

/** Policies and their runs (migration 3). */

export function channelPolicy(db: SqliteDatabase, image: string, channel: string): ChannelPolicy | null {
  const row = db.prepare('SELECT body FROM channel_policies WHERE image = ? AND channel = ?').get(image, channel) as { body: string } | undefined;
  return row ? channelPolicySchema.parse(JSON.parse(row.body)) : null;
}

export function saveChannelPolicy(db: SqliteDatabase, image: string, channel: string, policy: ChannelPolicy | null): void {
  if (!policy) {
    db.prepare('DELETE FROM channel_policies WHERE image = ? AND channel = ?').run(image, channel);
    return;
  }
  db.prepare(
    `INSERT INTO channel_policies (image, channel, body, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (image, channel) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
  ).run(image, channel, JSON.stringify(policy), new Date().toISOString());
}

/** Every channel with a policy, and the build it points at now. */
export function channelsWithPolicies(db: SqliteDatabase): { image: string; channel: string; buildId: string; policy: ChannelPolicy }[] {
  const rows = db
    .prepare(
      `SELECT p.image, p.channel, c.build_id, p.body FROM channel_policies p
       JOIN channels c ON c.image = p.image AND c.channel = p.channel ORDER BY p.image, p.channel`,
    )
    .all() as { image: string; channel: string; build_id: string; body: string }[];
  return rows.map((r) => ({ image: r.image, channel: r.channel, buildId: r.build_id, policy: channelPolicySchema.parse(JSON.parse(r.body)) }));
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

export function policyRuns(db: SqliteDatabase, image: string, channel: string, limit = 10): PolicyRun[] {
  const rows = db
    .prepare('SELECT * FROM channel_policy_runs WHERE image = ? AND channel = ? ORDER BY id DESC LIMIT ?')
    .all(image, channel, limit) as PolicyRunRow[];
  return rows.map(policyRunOf);
}

export function policyRunFor(db: SqliteDatabase, image: string, channel: string, fromBuild: string, updatesKey: string): PolicyRunRow | undefined {
  return db
    .prepare('SELECT * FROM channel_policy_runs WHERE image = ? AND channel = ? AND from_build = ? AND updates_key = ?')
    .get(image, channel, fromBuild, updatesKey) as PolicyRunRow | undefined;
}

/** The successor some policy already submitted for this build and these updates: one successor serves every channel. */
export function successorFor(db: SqliteDatabase, fromBuild: string, updatesKey: string): string | undefined {
  const row = db
    .prepare('SELECT successor FROM channel_policy_runs WHERE from_build = ? AND updates_key = ? ORDER BY id LIMIT 1')
    .get(fromBuild, updatesKey) as { successor: string } | undefined;
  return row?.successor;
}

export function insertPolicyRun(db: SqliteDatabase, run: Omit<PolicyRunRow, 'id' | 'outcome' | 'detail' | 'settled_at'>): void {
  db.prepare(
    `INSERT INTO channel_policy_runs (image, channel, from_build, updates_key, successor, promote_to, security_updates, outcome, started_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'building', ?) ON CONFLICT DO NOTHING`,
  ).run(run.image, run.channel, run.from_build, run.updates_key, run.successor, run.promote_to, run.security_updates, run.started_at);
}

export function unsettledPolicyRuns(db: SqliteDatabase): PolicyRunRow[] {
  return db.prepare("SELECT * FROM channel_policy_runs WHERE outcome = 'building' ORDER BY id").all() as PolicyRunRow[];
}

export function settlePolicyRun(db: SqliteDatabase, id: number, outcome: Exclude<PolicyRun['outcome'], 'building'>, detail: string | null): void {
  db.prepare("UPDATE channel_policy_runs SET outcome = ?, detail = ?, settled_at = ? WHERE id = ? AND outcome = 'building'").run(
    outcome,
    detail,
    new Date().toISOString(),
    id,
  );
}
