import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { sessionInfoSchema, type SessionInfo } from '../../../src/spec/access-api.ts';
import { cookieValue, SESSION_COOKIE, TOKEN_COOKIE } from '../../access/principal.ts';
import { ACCESS_TOKEN_PREFIX } from '../../store/access-rows.ts';
import type { AccessStore } from '../../store/access-store.ts';
import { HttpError } from '../http-error.ts';
import { publicRoute } from '../route-access.ts';
import { errorResponse, jsonResponse, type RouteDoc } from '../route-docs.ts';
import { tokenMatches } from '../request-guard.ts';

const loginSchema = z.object({ token: z.string().min(1) });

const session = jsonResponse('Session', sessionInfoSchema);
const open = (doc: RouteDoc) => ({ config: { ...publicRoute.config, doc } });
const sessionDoc = open({ summary: 'Whether a credential is needed, and who the caller is', responses: { 200: session } });
const loginDoc = open({
  summary: 'Log in with STAMPER_TOKEN or a personal access token (sets an HttpOnly cookie)',
  body: { 'application/json': loginSchema },
  responses: { 200: session, 400: errorResponse('No token sent'), 401: errorResponse('Wrong token') },
});
const logoutDoc = open({ summary: 'Log out (clears the cookies and ends a signed-in session)', responses: { 200: session } });

export interface SessionRoutesOptions {
  token?: string;
  access?: AccessStore;
  /** Set when OpenID Connect sign-in is configured. */
  signInUrl?: string;
}

/**
 * What the SPA asks first: whether it must sign in, and who it is. With STAMPER_TOKEN the
 * SPA may post the token (or a personal access token) once and gets an HttpOnly,
 * SameSite=Strict cookie, which also authenticates EventSource. OpenID Connect sign-in
 * has its own routes (oidc-routes.ts).
 */
export const sessionRoutes: FastifyPluginAsync<SessionRoutesOptions> = async (app, options) => {
  const { token, access, signInUrl } = options;
  const authRequired = Boolean(token) || Boolean(signInUrl);
  const mode = signInUrl ? 'oidc' : token ? 'token' : 'loopback';
  const info = (request: FastifyRequest, authenticated = Boolean(request.principal)): SessionInfo => {
    const user = authenticated && request.principal ? { subject: request.principal.subject, name: request.principal.name, role: request.principal.role } : null;
    return { authRequired, authenticated, mode, user, ...(signInUrl ? { signInUrl } : {}) };
  };

  app.get('/api/session', sessionDoc, async (request) => info(request));

  app.post('/api/session', loginDoc, async (request, reply) => {
    const login = loginSchema.safeParse(request.body);
    if (!login.success) throw new HttpError(400, 'bad_request', 'send {"token": "..."}');
    const given = login.data.token;
    const known = (token !== undefined && tokenMatches(token, given)) || (given.startsWith(ACCESS_TOKEN_PREFIX) && (await access?.tokenFor(given)) != null);
    if (authRequired && !known) throw new HttpError(401, 'unauthorized', 'wrong token');
    return reply
      .header('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(given)}; Path=/; HttpOnly; SameSite=Strict`)
      .send({ ...info(request), authenticated: true });
  });

  app.delete('/api/session', logoutDoc, async (request, reply) => {
    const session = cookieValue(request, SESSION_COOKIE);
    if (session) await access?.endSession(session);
    return reply
      .header('set-cookie', [`${TOKEN_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`, `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`])
      .send(info(request, false));
  });
};
