import type { AccessToken, Role } from '../../src/spec/access-api.ts';
import type { AccessRows, SessionRow } from './access-rows.ts';
import type { AccessStore } from './access-store.ts';

/** The embedded default: today's synchronous SQLite rows behind the shared asynchronous interface. */
export class SqliteAccessStore implements AccessStore {
  constructor(private readonly rows: AccessRows) {}

  async createToken(input: { name: string; subject: string; role: Role; createdBy: string }): Promise<{ token: string; accessToken: AccessToken }> {
    return this.rows.createToken(input);
  }

  async token(id: string): Promise<AccessToken | null> {
    return this.rows.token(id);
  }

  async tokens(): Promise<AccessToken[]> {
    return this.rows.tokens();
  }

  async tokenFor(secret: string): Promise<AccessToken | null> {
    return this.rows.tokenFor(secret);
  }

  async revokeToken(id: string): Promise<AccessToken | null> {
    return this.rows.revokeToken(id);
  }

  async createSession(session: SessionRow, ttlMs: number): Promise<string> {
    return this.rows.createSession(session, ttlMs);
  }

  async sessionFor(secret: string): Promise<SessionRow | null> {
    return this.rows.sessionFor(secret);
  }

  async endSession(secret: string): Promise<void> {
    this.rows.endSession(secret);
  }

  async assignedRole(subject: string): Promise<Role | null> {
    return this.rows.assignedRole(subject);
  }

  async assignRole(subject: string, role: Role, by: string): Promise<void> {
    this.rows.assignRole(subject, role, by);
  }

  async recordSubmitter(buildId: string, subject: string): Promise<void> {
    this.rows.recordSubmitter(buildId, subject);
  }

  async submitterOf(buildId: string): Promise<string | null> {
    return this.rows.submitterOf(buildId);
  }
}
