import pg from 'pg';
import { channelPolicySchema, type ChannelHistoryEntry, type ChannelPolicy, type PolicyRun } from '../../../src/spec/channels-api.ts';
import { policyRunOf, type ChannelMove, type ChannelRecord, type ChannelStore, type NewPolicyRun, type PolicyRunRow } from '../channel-store.ts';
import { migrate } from './migrate.ts';

const CHANNEL_COLUMNS = 'image, channel, build_id AS "buildId", updated_at AS "updatedAt"';
const now = () => new Date().toISOString();
const lockKey = (name: string) => `stamper-channel:${name}`;

/**
 * The channel store on the shared Postgres, so every API process sees the same channels,
 * history and policies. A move locks its channel's name (a transaction-scoped advisory
 * lock: the row may not exist yet) so two moves at once each record what they replaced;
 * a claim is a session advisory lock on a connection of its own, released when the work
 * ends or, should the process die, when Postgres drops its connection.
 */
export class PostgresChannelStore implements ChannelStore {
  private readonly pool: pg.Pool;
  private readonly migrated: Promise<void>;

  constructor(private readonly url: string) {
    this.pool = new pg.Pool({ connectionString: url, max: 4, connectionTimeoutMillis: 10_000 });
    this.pool.on('error', () => undefined);
    // the build store migrates the same database under the same lock; whichever runs first applies, the other finds nothing to do
    this.migrated = migrate(this.pool);
    this.migrated.catch(() => undefined);
  }

  private async query<R extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<R[]> {
    await this.migrated;
    return (await this.pool.query<R>(sql, params)).rows;
  }

  async listChannels(): Promise<ChannelRecord[]> {
    return this.query<ChannelRecord>(`SELECT ${CHANNEL_COLUMNS} FROM channels ORDER BY image, channel`);
  }

  async channel(image: string, channel: string): Promise<ChannelRecord | undefined> {
    return (await this.query<ChannelRecord>(`SELECT ${CHANNEL_COLUMNS} FROM channels WHERE image = $1 AND channel = $2`, [image, channel]))[0];
  }

  async moveChannel(move: ChannelMove): Promise<void> {
    await this.migrated;
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [lockKey(`move ${move.image}/${move.channel}`)]);
      const { rows } = await client.query<{ build_id: string }>('SELECT build_id FROM channels WHERE image = $1 AND channel = $2', [move.image, move.channel]);
      const at = now();
      await client.query(
        `INSERT INTO channels (image, channel, build_id, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (image, channel) DO UPDATE SET build_id = excluded.build_id, updated_at = excluded.updated_at`,
        [move.image, move.channel, move.toBuild, at],
      );
      await client.query('INSERT INTO channel_history (image, channel, action, from_build, to_build, actor, at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        move.image,
        move.channel,
        move.action,
        rows[0]?.build_id ?? null,
        move.toBuild,
        move.actor,
        at,
      ]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async history(image: string, channel: string): Promise<ChannelHistoryEntry[]> {
    return this.query<ChannelHistoryEntry>(
      `SELECT action, from_build AS "fromBuild", to_build AS "toBuild", actor, at FROM channel_history
       WHERE image = $1 AND channel = $2 ORDER BY id DESC`,
      [image, channel],
    );
  }

  async policy(image: string, channel: string): Promise<ChannelPolicy | null> {
    const [row] = await this.query<{ body: string }>('SELECT body FROM channel_policies WHERE image = $1 AND channel = $2', [image, channel]);
    return row ? channelPolicySchema.parse(JSON.parse(row.body)) : null;
  }

  async savePolicy(image: string, channel: string, policy: ChannelPolicy | null): Promise<void> {
    if (!policy) {
      await this.query('DELETE FROM channel_policies WHERE image = $1 AND channel = $2', [image, channel]);
      return;
    }
    await this.query(
      `INSERT INTO channel_policies (image, channel, body, updated_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (image, channel) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
      [image, channel, JSON.stringify(policy), now()],
    );
  }

  async channelsWithPolicies(): Promise<{ image: string; channel: string; buildId: string; policy: ChannelPolicy }[]> {
    const rows = await this.query<{ image: string; channel: string; build_id: string; body: string }>(
      `SELECT p.image, p.channel, c.build_id, p.body FROM channel_policies p
       JOIN channels c ON c.image = p.image AND c.channel = p.channel ORDER BY p.image, p.channel`,
    );
    return rows.map((r) => ({ image: r.image, channel: r.channel, buildId: r.build_id, policy: channelPolicySchema.parse(JSON.parse(r.body)) }));
  }

  async policyRuns(image: string, channel: string, limit = 10): Promise<PolicyRun[]> {
    const rows = await this.query<PolicyRunRow>('SELECT * FROM channel_policy_runs WHERE image = $1 AND channel = $2 ORDER BY id DESC LIMIT $3', [
      image,
      channel,
      limit,
    ]);
    return rows.map(policyRunOf);
  }

  async policyRunFor(image: string, channel: string, fromBuild: string, updatesKey: string): Promise<PolicyRunRow | undefined> {
    const rows = await this.query<PolicyRunRow>(
      'SELECT * FROM channel_policy_runs WHERE image = $1 AND channel = $2 AND from_build = $3 AND updates_key = $4',
      [image, channel, fromBuild, updatesKey],
    );
    return rows[0];
  }

  async successorFor(fromBuild: string, updatesKey: string): Promise<string | undefined> {
    const rows = await this.query<{ successor: string }>(
      'SELECT successor FROM channel_policy_runs WHERE from_build = $1 AND updates_key = $2 ORDER BY id LIMIT 1',
      [fromBuild, updatesKey],
    );
    return rows[0]?.successor;
  }

  async insertPolicyRun(run: NewPolicyRun): Promise<void> {
    await this.query(
      `INSERT INTO channel_policy_runs (image, channel, from_build, updates_key, successor, promote_to, security_updates, outcome, started_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'building', $8) ON CONFLICT DO NOTHING`,
      [run.image, run.channel, run.from_build, run.updates_key, run.successor, run.promote_to, run.security_updates, run.started_at],
    );
  }

  async unsettledPolicyRuns(): Promise<PolicyRunRow[]> {
    return this.query<PolicyRunRow>("SELECT * FROM channel_policy_runs WHERE outcome = 'building' ORDER BY id");
  }

  async settlePolicyRun(id: number, outcome: Exclude<PolicyRun['outcome'], 'building'>, detail: string | null): Promise<void> {
    await this.query("UPDATE channel_policy_runs SET outcome = $1, detail = $2, settled_at = $3 WHERE id = $4 AND outcome = 'building'", [
      outcome,
      detail,
      now(),
      id,
    ]);
  }

  async withClaim<T>(key: string, work: () => Promise<T>): Promise<T> {
    await this.migrated;
    // not a pooled connection: a claim waited for must not hold one the work (or another claim's work) needs
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 10_000 });
    client.on('error', () => undefined);
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [lockKey(`claim ${key}`)]);
      return await work();
    } finally {
      // ending the session releases its advisory locks
      await client.end().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.migrated.catch(() => undefined);
    await this.pool.end();
  }
}
