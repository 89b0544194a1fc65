import { z } from 'zod';

/** Shapes of the sign-in, token and audit API, shared by the server and the SPA. */

/** Ordered: each role can do everything the one before it can. */
export const roles = ['viewer', 'builder', 'admin'] as const;
export const roleSchema = z.enum(roles);
export type Role = z.infer<typeof roleSchema>;

export function roleAtLeast(role: Role, needed: Role): boolean {
  return roles.indexOf(role) >= roles.indexOf(needed);
}

export const accessModes = ['loopback', 'token', 'oidc'] as const;

export const sessionInfoSchema = z.object({
  /** Whether the API wants a credential at all (false: the loopback default). */
  authRequired: z.boolean(),
  authenticated: z.boolean(),
  /** loopback: no sign-in; token: the single STAMPER_TOKEN; oidc: sign in with the identity provider. */
  mode: z.enum(accessModes).optional(),
  user: z.object({ subject: z.string(), name: z.string(), role: roleSchema }).nullable().optional(),
  /** Where the browser starts an OpenID Connect sign-in, when configured. */
  signInUrl: z.string().optional(),
});
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export const accessTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  subject: z.string(),
  role: roleSchema,
  createdBy: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type AccessToken = z.infer<typeof accessTokenSchema>;

export const newAccessTokenSchema = z
  .object({
    name: z.string().min(1).max(100).describe('What the token is for, e.g. "ci-main"'),
    subject: z.string().min(1).max(200).optional().describe('Who acts with it (recorded as submitter); defaults to the name'),
    role: roleSchema,
  })
  .strict();

/** The only answer that carries the token itself: it is stored hashed and never shown again. */
export const createdAccessTokenSchema = z.object({ token: z.string(), accessToken: accessTokenSchema });

export const roleAssignmentSchema = z.object({ subject: z.string().min(1).max(200), role: roleSchema }).strict();
export type RoleAssignment = z.infer<typeof roleAssignmentSchema>;

export const auditActions = [
  'build.submit',
  'build.retry',
  'build.rebuild',
  'build.cancel',
  'build.delete',
  'channel.promote',
  'channel.rollback',
  'channel.policy.set',
  'channel.policy.clear',
  'token.create',
  'token.revoke',
  'role.assign',
  'worker.drain',
  'worker.resume',
  'worker.forget',
] as const;
export type AuditAction = (typeof auditActions)[number];

export const auditEntrySchema = z.object({
  id: z.number(),
  at: z.string(),
  actor: z.string(),
  action: z.enum(auditActions),
  target: z.string(),
  detail: z.string().nullable(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export const auditPageSchema = z.object({ items: z.array(auditEntrySchema), nextBefore: z.number().nullable() });
export type AuditPage = z.infer<typeof auditPageSchema>;
