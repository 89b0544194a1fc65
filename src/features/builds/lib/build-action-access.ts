import type { SessionInfo } from '@/spec/access-api';

/** Whether the caller may cancel, retry, rebuild or delete a build, and if not, what to tell them (null: say nothing). */
export type BuildActionAccess = { mayAct: true } | { mayAct: false; reason: string | null };

/**
 * The server's rule (server/access/build-access.ts) read ahead of time, so a builder is not
 * offered buttons that answer 403: admins act on every build, builders on the builds they
 * submitted, viewers on none. While the session loads the buttons show (the loopback default
 * never flickers); the server decides in any case.
 */
export function buildActionAccess(session: SessionInfo | undefined, submittedBy: string | null | undefined): BuildActionAccess {
  if (!session || !session.authRequired) return { mayAct: true };
  const user = session.user;
  if (!user || user.role === 'viewer') return { mayAct: false, reason: null };
  if (user.role === 'admin' || (submittedBy != null && submittedBy === user.subject)) return { mayAct: true };
  return {
    mayAct: false,
    reason: submittedBy
      ? 'Only the person who submitted this build, or an admin, can cancel, retry or delete it.'
      : 'This build has no recorded submitter: only an admin can cancel, retry or delete it.',
  };
}
