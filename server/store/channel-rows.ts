import type { SqliteDatabase } from './open-database.ts';
import { channelPolicySchema, type ChannelHistoryEntry, type ChannelPolicy, type PolicyRun } from '../../src/spec/channels-api.ts';
import { policyRunOf, type ChannelMove, type ChannelRecord, type NewPolicyRun, type PolicyRunRow } from './channel-store.ts';

/** The SQLite rows of channels (migration 2), channel policies (migration 3) and channel claims (migration 6). */

/** The channels pointing at a build: it cannot be deleted while there are any. */
export function channelsOfBuild(db: SqliteDatabase, buildId: string): { image: string; channel: string }[] {
  return db.prepare('SELECT image, channel FROM channels WHERE build_id = ? ORDER BY image, channel').all(buildId) as { image: string; channel: string }[];
}

/** Every build some channel points at: retention keeps them. */
export function buildsOnChannels(db: SqliteDatabase): Set<string> {
  const rows = db.prepare('SELECT DISTINCT build_id FROM channels').all() as { build_id: string }[];
  return new Set(rows.map((row) => row.build_id));
}

const CHANNEL_COLUMNS = 'image, channel, build_id AS buildId, updated_at AS updatedAt';

export function listChannels(db: SqliteDatabase): ChannelRecord[] {
  return db.prepare(`SELECT ${CHANNEL_COLUMNS} FROM channels ORDER BY image, channel`).all() as ChannelRecord[];
}

export function channelRecord(db: SqliteDatabase, image: string, channel: string): ChannelRecord | undefined {
  return db.prepare(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE image = ? AND channel = ?`).get(image, channel) as ChannelRecord | undefined;
}

export function moveChannel(db: SqliteDatabase, move: ChannelMove): void {
  const at = new Date().toISOString();
  // IMMEDIATE: the write lock is taken before the read, so the recorded "from" is what the move replaced
  db.transaction(() => {
    const from = channelRecord(db, move.image, move.channel)?.buildId ?? null;
    db.prepare(
      `INSERT INTO channels (image, channel, build_id, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (image, channel) DO UPDATE SET build_id = excluded.build_id, updated_at = excluded.updated_at`,
    ).run(move.image, move.channel, move.toBuild, at);
    db.prepare('INSERT INTO channel_history (image, channel, action, from_build, to_build, actor, at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      move.image,
      move.channel,
      move.action,
      from,
      move.toBuild,
      move.actor,
      at,
    );
  }).immediate();
}

export function channelHistory(db: SqliteDatabase, image: string, channel: string): ChannelHistoryEntry[] {
  return db
    .prepare(
      `SELECT action, from_build AS fromBuild, to_build AS toBuild, actor, at FROM channel_history
       WHERE image = ? AND channel = ? ORDER BY id DESC`,
    )
    .all(image, channel) as ChannelHistoryEntry[];
}

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

export function channelsWithPolicies(db: SqliteDatabase): { image: string; channel: string; buildId: string; policy: ChannelPolicy }[] {
  const rows = db
    .prepare(
      `SELECT p.image, p.channel, c.build_id, p.body FROM channel_policies p
       JOIN channels c ON c.image = p.image AND c.channel = p.channel ORDER BY p.image, p.channel`,
    )
    .all() as { image: string; channel: string; build_id: string; body: string }[];
  return rows.map((r) => ({ image: r.image, channel: r.channel, buildId: r.build_id, policy: channelPolicySchema.parse(JSON.parse(r.body)) }));
}

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

export function successorFor(db: SqliteDatabase, fromBuild: string, updatesKey: string): string | undefined {
  const row = db
    .prepare('SELECT successor FROM channel_policy_runs WHERE from_build = ? AND updates_key = ? ORDER BY id LIMIT 1')
    .get(fromBuild, updatesKey) as { successor: string } | undefined;
  return row?.successor;
}

export function insertPolicyRun(db: SqliteDatabase, run: NewPolicyRun): void {
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

/**
 * Takes the claim `key` for `holder` when no one holds it, or when its holder took it more
 * than `staleMs` ago (a process that died holding it). BEGIN IMMEDIATE takes the write
 * lock before the read, so of two connections asking at once exactly one gets true.
 */
export function takeChannelClaim(db: SqliteDatabase, key: string, holder: string, staleMs: number): boolean {
  return db
    .transaction(() => {
      const now = Date.now();
      db.prepare('DELETE FROM channel_claims WHERE claim_key = ? AND claimed_at < ?').run(key, now - staleMs);
      return (
        db.prepare('INSERT INTO channel_claims (claim_key, holder, claimed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(key, holder, now).changes === 1
      );
    })
    .immediate();
}

export function releaseChannelClaim(db: SqliteDatabase, key: string, holder: string): void {
  db.prepare('DELETE FROM channel_claims WHERE claim_key = ? AND holder = ?').run(key, holder);
}
