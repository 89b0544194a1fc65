import type { AuditAction, AuditEntry, AuditPage } from '../../src/spec/access-api.ts';
import type { SqliteDatabase } from './open-database.ts';

/** The append-only audit log: who submitted, canceled, deleted and promoted what. */
export class AuditRows {
  constructor(private readonly db: SqliteDatabase) {}

  record(actor: string, action: AuditAction, target: string, detail?: string): void {
    this.db
      .prepare('INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?)')
      .run(new Date().toISOString(), actor, action, target, detail ?? null);
  }

  /** Newest first; `before` pages back from an entry id. */
  page(options: { before?: number; limit: number; action?: AuditAction }): AuditPage {
    const rows = this.db
      .prepare(
        `SELECT id, at, actor, action, target, detail FROM audit_log
         WHERE (? IS NULL OR id < ?) AND (? IS NULL OR action = ?) ORDER BY id DESC LIMIT ?`,
      )
      .all(options.before ?? null, options.before ?? null, options.action ?? null, options.action ?? null, options.limit + 1) as AuditEntry[];
    const items = rows.slice(0, options.limit);
    return { items, nextBefore: rows.length > options.limit ? (items.at(-1)?.id ?? null) : null };
  }
}
