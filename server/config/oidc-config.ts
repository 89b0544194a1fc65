import { z } from 'zod';
import { roleSchema } from '../../src/spec/access-api.ts';

/**
 * OpenID Connect sign-in for the browser (authorization code + PKCE). The role comes
 * from a claim of the ID token through `roleMap` (claim value → role), or from a role
 * an admin assigned, which wins; anyone else signed in gets `defaultRole`.
 */
export const oidcConfigSchema = z.object({
  issuer: z.url(),
  clientId: z.string().min(1),
  /** Absent for a public client (PKCE alone). */
  clientSecret: z.string().min(1).optional(),
  /** This server's callback as the provider knows it: https://stamper.example/api/auth/callback */
  redirectUrl: z.url(),
  scopes: z.string().default('openid profile email'),
  /** The ID-token claim that names the user's groups or roles (a string or a list). */
  roleClaim: z.string().min(1).default('groups'),
  roleMap: z.record(z.string(), roleSchema).default({}),
  defaultRole: roleSchema.default('viewer'),
  sessionHours: z.coerce.number().positive().max(720).default(12),
});
export type OidcConfig = z.output<typeof oidcConfigSchema>;

/** "admins=admin,ci=builder" → { admins: 'admin', ci: 'builder' }; the roles are checked by the schema. */
function parseRoleMap(text: string | undefined): Record<string, string> | undefined {
  if (!text) return undefined;
  return Object.fromEntries(
    text
      .split(',')
      .map((pair) => pair.trim())
      .filter(Boolean)
      .map((pair) => {
        const at = pair.lastIndexOf('=');
        return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
      }),
  );
}

/** Undefined unless STAMPER_OIDC_ISSUER is set: OpenID Connect is opt-in. */
export function oidcFromEnvironment(env: NodeJS.ProcessEnv): Record<string, unknown> | undefined {
  if (!env.STAMPER_OIDC_ISSUER) return undefined;
  const entries = {
    issuer: env.STAMPER_OIDC_ISSUER,
    clientId: env.STAMPER_OIDC_CLIENT_ID,
    clientSecret: env.STAMPER_OIDC_CLIENT_SECRET || undefined,
    redirectUrl: env.STAMPER_OIDC_REDIRECT_URL,
    scopes: env.STAMPER_OIDC_SCOPES || undefined,
    roleClaim: env.STAMPER_OIDC_ROLE_CLAIM || undefined,
    roleMap: parseRoleMap(env.STAMPER_OIDC_ROLE_MAP),
    defaultRole: env.STAMPER_OIDC_DEFAULT_ROLE || undefined,
    sessionHours: env.STAMPER_OIDC_SESSION_HOURS || undefined,
  };
  return Object.fromEntries(Object.entries(entries).filter(([, value]) => value !== undefined));
}
