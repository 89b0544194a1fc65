import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { isLoopbackHost } from '../../config/loopback.ts';
import type { OidcConfig } from '../../config/oidc-config.ts';
import { OidcSignIn, type PendingSignIn } from '../../access/oidc-sign-in.ts';
import { cookieValue, SESSION_COOKIE } from '../../access/principal.ts';
import type { AccessStore } from '../../store/access-store.ts';
import { HttpError } from '../http-error.ts';
import { publicRoute } from '../route-access.ts';
import { errorResponse, type RouteDoc } from '../route-docs.ts';

export interface OidcRoutesOptions {
  oidc: OidcConfig;
  access: AccessStore;
}

export const SIGN_IN_PATH = '/api/auth/login';
const PENDING_COOKIE = 'stamper_oidc';
const PENDING_PATH = '/api/auth';

const pendingSchema = z.object({ state: z.string(), nonce: z.string(), codeVerifier: z.string(), returnTo: z.string() });
const loginQuery = z.object({ returnTo: z.string().max(2000).optional().describe('A path of this server to come back to, e.g. /builds') });

const open = (doc: RouteDoc) => ({ config: { ...publicRoute.config, doc } });
const docs = {
  login: open({
    summary: 'Start signing in with the OpenID provider (redirects there)',
    query: loginQuery,
    responses: { 302: { description: 'To the provider' } },
  }),
  callback: open({
    summary: "The provider's redirect back: redeems the code (PKCE), starts a session cookie, redirects into the app",
    responses: { 302: { description: 'Into the app, signed in' }, 401: errorResponse('The sign-in could not be completed') },
  }),
};

/** Only a path of this server: never an absolute URL or a protocol-relative one (an open redirect). */
const safeReturnTo = (value: string | undefined) => (value && /^\/(?![/\\])/.test(value) ? value : '/');

/**
 * Browser sign-in with OpenID Connect (authorization code + PKCE). The verifier, state and
 * nonce travel in a short-lived HttpOnly cookie scoped to /api/auth, so any API replica can
 * finish a sign-in another one started; the session itself is a random secret whose digest
 * is kept in the shared database (access-store.ts).
 */
export const oidcRoutes: FastifyPluginAsync<OidcRoutesOptions> = async (app, { oidc, access }) => {
  const signIn = new OidcSignIn(oidc);
  const redirect = new URL(oidc.redirectUrl);
  // Secure cookies, except for a server reached over plain HTTP on loopback (where browsers would drop them).
  const secure = !(redirect.protocol === 'http:' && isLoopbackHost(redirect.hostname)) ? '; Secure' : '';
  const pendingCookie = (value: string, maxAge: number) =>
    `${PENDING_COOKIE}=${value}; Path=${PENDING_PATH}; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${secure}`;

  app.get(SIGN_IN_PATH, docs.login, async (request, reply) => {
    const { returnTo } = loginQuery.parse(request.query);
    const { url, pending } = await signIn.start(safeReturnTo(returnTo));
    const value = Buffer.from(JSON.stringify(pending)).toString('base64url');
    return reply.header('set-cookie', pendingCookie(value, 600)).redirect(url.href, 302);
  });

  app.get('/api/auth/callback', docs.callback, async (request, reply: FastifyReply) => {
    const pending = readPending(cookieValue(request, PENDING_COOKIE));
    const clearPending = pendingCookie('', 0);
    if (!pending) throw new HttpError(401, 'sign_in_failed', 'no sign-in was started from this browser (or it took longer than 10 minutes): start again');
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
    let user;
    try {
      user = await signIn.finish(query, pending);
    } catch (error) {
      reply.header('set-cookie', clearPending);
      throw new HttpError(401, 'sign_in_failed', `sign-in failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const ttlMs = oidc.sessionHours * 3_600_000;
    const secret = await access.createSession(user, ttlMs);
    return reply
      .header('set-cookie', [clearPending, `${SESSION_COOKIE}=${secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${Math.floor(ttlMs / 1000)}${secure}`])
      .redirect(pending.returnTo, 302);
  });
};

function readPending(value: string | undefined): PendingSignIn | null {
  if (!value) return null;
  try {
    const parsed = pendingSchema.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    return parsed.success ? { ...parsed.data, returnTo: safeReturnTo(parsed.data.returnTo) } : null;
  } catch {
    return null;
  }
}
