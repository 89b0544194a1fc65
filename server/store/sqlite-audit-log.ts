import type { AuditAction, AuditPage } from '../../src/spec/access-api.ts';
import type { AuditLog } from './audit-log.ts';
import type { AuditRows } from './audit-rows.ts';

/** The embedded default: the SQLite audit rows behind the shared asynchronous interface. */
export class SqliteAuditLog implements AuditLog {
  constructor(private readonly rows: AuditRows) {}

  async record(actor: string, action: AuditAction, target: string, detail?: string): Promise<void> {
    this.rows.record(actor, action, target, detail);
  }

  async page(options: { before?: number; limit: number; action?: AuditAction }): Promise<AuditPage> {
    return this.rows.page(options);
  }
}
