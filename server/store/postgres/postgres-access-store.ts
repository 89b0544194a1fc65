import { randomBytes, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { AccessToken, Role } from '../../../src/spec/access-api.ts';
import { ACCESS_TOKEN_PREFIX, secretDigest, toToken, type SessionRow, type TokenRow } from '../access-rows.ts';
import type { AccessStore } from '../access-store.ts';

/** Runs one statement on the shared pool once the schema is migrated (open-postgres-access.ts). */
export type PostgresQuery = <R extends pg.QueryResultRow>(sql: string, params?: unknown[]) => Promise<R[]>;

const TOKEN_COLUMNS = 'id, name, subject, role, created_by, created_at, last_used_at, revoked_at';

const now = () => new Date().toISOString();

/**
 * Tokens, sessions, roles and submitters in the one Postgres every API replica shares,
 * so a token made or revoked through one replica is known to all at their next request.
 * The same rows and rules as the SQLite tables (access-rows.ts).
 */
export class PostgresAccessStore implements AccessStore {
  constructor(private readonly query: PostgresQuery) {}

  async createToken(input: { name: string; subject: string; role: Role; createdBy: string }): Promise<{ token: string; accessToken: AccessToken }> {
    const token = `${ACCESS_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const [row] = await this.query<TokenRow>(
      `INSERT INTO access_tokens (id, name, subject, role, token_hash, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       RETURNING ${TOKEN_COLUMNS}`,
      [randomUUID(), input.name, input.subject, input.role, secretDigest(token), input.createdBy, now()],
    );
    if (!row) throw new Error('the new access token was not stored');
    return { token, accessToken: toToken(row) };
  }

  async token(id: string): Promise<AccessToken | null> {
    const [row] = await this.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM access_tokens WHERE id = $1`, [id]);
    return row ? toToken(row) : null;
  }

  async tokens(): Promise<AccessToken[]> {
    const rows = await this.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM access_tokens ORDER BY created_at COLLATE "C" DESC, ordinal DESC`);
    return rows.map(toToken);
  }

  async tokenFor(secret: string): Promise<AccessToken | null> {
    const [row] = await this.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM access_tokens WHERE token_hash = $1 AND revoked_at IS NULL`, [secretDigest(secret)]);
    if (!row) return null;
    // at most one write a minute per token: a busy CI token must not write on every request
    const minuteAgo = new Date(Date.now() - 60_000).toISOString();
    await this.query('UPDATE access_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)', [now(), row.id, minuteAgo]);
    return toToken(row);
  }

  async revokeToken(id: string): Promise<AccessToken | null> {
    const [row] = await this.query<TokenRow>(`UPDATE access_tokens SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2 RETURNING ${TOKEN_COLUMNS}`, [
      now(),
      id,
    ]);
    return row ? toToken(row) : null;
  }

  async createSession(session: SessionRow, ttlMs: number): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    const created = Date.now();
    await this.query('INSERT INTO sessions (id_hash, subject, name, claimed_role, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      secretDigest(secret),
      session.subject,
      session.name,
      session.claimedRole,
      new Date(created).toISOString(),
      new Date(created + ttlMs).toISOString(),
    ]);
    return secret;
  }

  async sessionFor(secret: string): Promise<SessionRow | null> {
    const [row] = await this.query<{ subject: string; name: string; claimed_role: Role }>(
      'SELECT subject, name, claimed_role FROM sessions WHERE id_hash = $1 AND expires_at > $2',
      [secretDigest(secret), now()],
    );
    return row ? { subject: row.subject, name: row.name, claimedRole: row.claimed_role } : null;
  }

  async endSession(secret: string): Promise<void> {
    await this.query('DELETE FROM sessions WHERE id_hash = $1 OR expires_at <= $2', [secretDigest(secret), now()]);
  }

  async assignedRole(subject: string): Promise<Role | null> {
    const [row] = await this.query<{ role: Role }>('SELECT role FROM user_roles WHERE subject = $1', [subject]);
    return row?.role ?? null;
  }

  async assignRole(subject: string, role: Role, by: string): Promise<void> {
    await this.query(
      `INSERT INTO user_roles (subject, role, assigned_by, assigned_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (subject) DO UPDATE SET role = excluded.role, assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at`,
      [subject, role, by, now()],
    );
  }

  async recordSubmitter(buildId: string, subject: string): Promise<void> {
    await this.query('UPDATE builds SET submitted_by = $1 WHERE id = $2 AND submitted_by IS NULL', [subject, buildId]);
  }

  async submitterOf(buildId: string): Promise<string | null> {
    const [row] = await this.query<{ submitted_by: string | null }>('SELECT submitted_by FROM builds WHERE id = $1', [buildId]);
    return row?.submitted_by ?? null;
  }
}
