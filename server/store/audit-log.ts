import type { AuditAction, AuditPage } from '../../src/spec/access-api.ts';

/** The append-only audit log, shared by every API replica on Postgres (postgres/postgres-audit-log.ts). */
export interface AuditLog {
  record(actor: string, action: AuditAction, target: string, detail?: string): Promise<void>;
  /** Newest first; `before` pages back from an entry id. */
  page(options: { before?: number; limit: number; action?: AuditAction }): Promise<AuditPage>;
}
