import type { FastifyRequest } from 'fastify';
import type { Role } from '../../src/spec/access-api.ts';
import { ACCESS_TOKEN_PREFIX } from '../store/access-rows.ts';
import type { AccessStore } from '../store/access-store.ts';

/** Who is calling, and with what role: decided once per request by the request guard. */
export interface Principal {
  /** Stable id: recorded as a build's submitter and in the audit log. */
  subject: string;
  name: string;
  role: Role;
  via: 'loopback' | 'token' | 'access-token' | 'session';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Null for a caller the guard let through on a public route without any credential. */
    principal: Principal | null;
  }
}

export const TOKEN_COOKIE = 'stamper_token';
export const SESSION_COOKIE = 'stamper_session';

/** The one person of a loopback server without a token, and the holder of STAMPER_TOKEN: both may do everything. */
export const LOCAL_USER: Principal = { subject: 'local', name: 'local user', role: 'admin', via: 'loopback' };
export const TOKEN_HOLDER: Principal = { subject: 'token', name: 'token holder', role: 'admin', via: 'token' };

export function cookieValue(request: FastifyRequest, name: string): string | undefined {
  const cookies = request.headers.cookie?.split(';').map((part) => part.trim()) ?? [];
  const cookie = cookies.find((part) => part.startsWith(`${name}=`));
  if (!cookie) return undefined;
  try {
    return decodeURIComponent(cookie.slice(name.length + 1));
  } catch {
    // A cookie that does not decode is no credential: the caller is unauthenticated, not a server error.
    return undefined;
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  // The auth scheme is case-insensitive (RFC 9110), the token is not.
  return /^bearer +(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
}

export interface PrincipalSources {
  /** The single STAMPER_TOKEN, when configured. */
  token?: string;
  tokenMatches: (expected: string, given: string | undefined) => boolean;
  /** Tokens and sessions; absent for an app without a build system (some tests). */
  access?: AccessStore;
  /** Whether any sign-in is configured; without, every caller is the local user. */
  authRequired: boolean;
}

async function fromSecret(secret: string, sources: PrincipalSources): Promise<Principal | null> {
  if (sources.token && sources.tokenMatches(sources.token, secret)) return TOKEN_HOLDER;
  if (secret.startsWith(ACCESS_TOKEN_PREFIX)) {
    const token = await sources.access?.tokenFor(secret);
    if (token) return { subject: token.subject, name: token.name, role: token.role, via: 'access-token' };
  }
  return null;
}

/**
 * The caller of a request: a bearer token (STAMPER_TOKEN or a personal access token),
 * else the token cookie of the single-token login, else a signed-in browser session.
 * Without any sign-in configured the caller is the local user, as before roles existed,
 * unless it presents a personal access token (then it has that token's role).
 */
export async function resolvePrincipal(request: FastifyRequest, sources: PrincipalSources): Promise<Principal | null> {
  const bearer = bearerToken(request);
  const tokenCookie = cookieValue(request, TOKEN_COOKIE);
  for (const secret of [bearer, tokenCookie]) {
    if (secret === undefined) continue;
    const principal = await fromSecret(secret, sources);
    if (principal) return principal;
  }
  const sessionSecret = cookieValue(request, SESSION_COOKIE);
  const session = sessionSecret ? await sources.access?.sessionFor(sessionSecret) : null;
  if (session) {
    const role = (await sources.access?.assignedRole(session.subject)) ?? session.claimedRole;
    return { subject: session.subject, name: session.name, role, via: 'session' };
  }
  return sources.authRequired ? null : LOCAL_USER;
}

/** How history and the audit log name a caller: the name, and the subject when it says more. */
export function actorLabel(principal: Principal | null, fallback = LOCAL_USER.name): string {
  if (!principal) return fallback;
  if (principal.via === 'loopback' || principal.via === 'token' || principal.name === principal.subject) return principal.name;
  return `${principal.name} <${principal.subject}>`;
}
