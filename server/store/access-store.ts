import type { AccessToken, Role } from '../../src/spec/access-api.ts';
import type { SessionRow } from './access-rows.ts';

/**
 * Who may do what, behind one asynchronous interface so that API replicas on Postgres
 * share it (postgres/postgres-access-store.ts) while the embedded default keeps its
 * SQLite tables (sqlite-access-store.ts). Secrets are kept only as SHA-256 digests.
 */
export interface AccessStore {
  createToken(input: { name: string; subject: string; role: Role; createdBy: string }): Promise<{ token: string; accessToken: AccessToken }>;
  token(id: string): Promise<AccessToken | null>;
  /** Newest first. */
  tokens(): Promise<AccessToken[]>;
  /** The live token a presented secret names (and notes its use), or null. */
  tokenFor(secret: string): Promise<AccessToken | null>;
  /** Null for an unknown id; revoking twice keeps the first revocation time. */
  revokeToken(id: string): Promise<AccessToken | null>;
  /** A new browser session; the cookie carries the returned secret, the store only its digest. */
  createSession(session: SessionRow, ttlMs: number): Promise<string>;
  sessionFor(secret: string): Promise<SessionRow | null>;
  /** Ends this session and forgets every expired one. */
  endSession(secret: string): Promise<void>;
  /** The role an admin gave this subject; it wins over the identity provider's claim. */
  assignedRole(subject: string): Promise<Role | null>;
  assignRole(subject: string, role: Role, by: string): Promise<void>;
  /** The first submitter stays: a reused or retried build keeps its owner. */
  recordSubmitter(buildId: string, subject: string): Promise<void>;
  /** Null for a build from before sign-in existed: only admins act on those. */
  submitterOf(buildId: string): Promise<string | null>;
}
