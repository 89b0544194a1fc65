import type { AuditAction, AuditEntry, AuditPage } from '../../../src/spec/access-api.ts';
import type { AuditLog } from '../audit-log.ts';
import type { PostgresQuery } from './postgres-access-store.ts';

// BIGINT comes back from pg as a string; an entry id is a number in the API
type AuditRow = Omit<AuditEntry, 'id'> & { id: string };

/** The audit log in the shared Postgres: an entry written through any replica is listed by all. */
export class PostgresAuditLog implements AuditLog {
  constructor(private readonly query: PostgresQuery) {}

  async record(actor: string, action: AuditAction, target: string, detail?: string): Promise<void> {
    await this.query('INSERT INTO audit_log (at, actor, action, target, detail) VALUES ($1, $2, $3, $4, $5)', [
      new Date().toISOString(),
      actor,
      action,
      target,
      detail ?? null,
    ]);
  }

  async page(options: { before?: number; limit: number; action?: AuditAction }): Promise<AuditPage> {
    const rows = await this.query<AuditRow>(
      `SELECT id, at, actor, action, target, detail FROM audit_log
       WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR action = $2) ORDER BY id DESC LIMIT $3`,
      [options.before ?? null, options.action ?? null, options.limit + 1],
    );
    const items = rows.slice(0, options.limit).map((row) => ({ ...row, id: Number(row.id) }));
    return { items, nextBefore: rows.length > options.limit ? (items.at(-1)?.id ?? null) : null };
  }
}
