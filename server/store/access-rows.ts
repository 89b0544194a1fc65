import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AccessToken, Role } from '../../src/spec/access-api.ts';
import type { SqliteDatabase } from './open-database.ts';

/**
 * Who may do what (tables of the sign-in migration): personal access tokens and browser
 * sessions, both kept only as SHA-256 of the secret, roles an admin assigned, and who
 * submitted each build. Kept apart from build-store.ts on purpose.
 */

/** Access tokens carry a prefix so a leaked one is recognisable (secret scanners, logs). */
export const ACCESS_TOKEN_PREFIX = 'stp_';

const now = () => new Date().toISOString();
export const secretDigest = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** A token row as both stores keep it (the secret only as its digest, in another column). */
export interface TokenRow {
  id: string;
  name: string;
  subject: string;
  role: Role;
  created_by: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

export const toToken = (row: TokenRow): AccessToken => ({
  id: row.id,
  name: row.name,
  subject: row.subject,
  role: row.role,
  createdBy: row.created_by,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
});

export interface SessionRow {
  subject: string;
  name: string;
  claimedRole: Role;
}

export class AccessRows {
  constructor(private readonly db: SqliteDatabase) {}

  createToken(input: { name: string; subject: string; role: Role; createdBy: string }): { token: string; accessToken: AccessToken } {
    const token = `${ACCESS_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const id = randomUUID();
    this.db
      .prepare('INSERT INTO access_tokens (id, name, subject, role, token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(id, input.name, input.subject, input.role, secretDigest(token), input.createdBy, now());
    return { token, accessToken: this.token(id) as AccessToken };
  }

  token(id: string): AccessToken | null {
    const row = this.db.prepare('SELECT * FROM access_tokens WHERE id = ?').get(id) as TokenRow | undefined;
    return row ? toToken(row) : null;
  }

  tokens(): AccessToken[] {
    return (this.db.prepare('SELECT * FROM access_tokens ORDER BY created_at DESC, rowid DESC').all() as TokenRow[]).map(toToken);
  }

  /** The live token a presented secret names (and notes its use), or null. */
  tokenFor(secret: string): AccessToken | null {
    const row = this.db.prepare('SELECT * FROM access_tokens WHERE token_hash = ? AND revoked_at IS NULL').get(secretDigest(secret)) as TokenRow | undefined;
    if (!row) return null;
    // at most one write a minute per token: a busy CI token must not queue a write behind every build event
    const minuteAgo = new Date(Date.now() - 60_000).toISOString();
    this.db.prepare('UPDATE access_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)').run(now(), row.id, minuteAgo);
    return toToken(row);
  }

  revokeToken(id: string): AccessToken | null {
    this.db.prepare('UPDATE access_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?').run(now(), id);
    return this.token(id);
  }

  /** A new browser session; the cookie carries the returned secret, the table only its digest. */
  createSession(session: SessionRow, ttlMs: number): string {
    const secret = randomBytes(32).toString('base64url');
    const created = Date.now();
    this.db
      .prepare('INSERT INTO sessions (id_hash, subject, name, claimed_role, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(secretDigest(secret), session.subject, session.name, session.claimedRole, new Date(created).toISOString(), new Date(created + ttlMs).toISOString());
    return secret;
  }

  sessionFor(secret: string): SessionRow | null {
    const row = this.db.prepare('SELECT subject, name, claimed_role FROM sessions WHERE id_hash = ? AND expires_at > ?').get(secretDigest(secret), now()) as
      { subject: string; name: string; claimed_role: Role } | undefined;
    return row ? { subject: row.subject, name: row.name, claimedRole: row.claimed_role } : null;
  }

  endSession(secret: string): void {
    this.db.prepare('DELETE FROM sessions WHERE id_hash = ? OR expires_at <= ?').run(secretDigest(secret), now());
  }

  /** The role an admin gave this subject; it wins over the identity provider's claim. */
  assignedRole(subject: string): Role | null {
    const row = this.db.prepare('SELECT role FROM user_roles WHERE subject = ?').get(subject) as { role: Role } | undefined;
    return row?.role ?? null;
  }

  assignRole(subject: string, role: Role, by: string): void {
    this.db
      .prepare(
        `INSERT INTO user_roles (subject, role, assigned_by, assigned_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (subject) DO UPDATE SET role = excluded.role, assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at`,
      )
      .run(subject, role, by, now());
  }

  recordSubmitter(buildId: string, subject: string): void {
    this.db.prepare('UPDATE builds SET submitted_by = ? WHERE id = ? AND submitted_by IS NULL').run(subject, buildId);
  }

  /** Null for a build from before sign-in existed: only admins act on those. */
  submitterOf(buildId: string): string | null {
    const row = this.db.prepare('SELECT submitted_by FROM builds WHERE id = ?').get(buildId) as { submitted_by: string | null } | undefined;
    return row?.submitted_by ?? null;
  }
}
