import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { HttpError } from '../http-error.ts';
import { sessionSchema } from '../api-schemas.ts';
import { publicRoute } from '../route-access.ts';
import { errorResponse, jsonResponse, type RouteDoc } from '../route-docs.ts';
import { isAuthenticated, TOKEN_COOKIE, tokenMatches } from '../request-guard.ts';

const loginSchema = z.object({ token: z.string().min(1) });

const session = jsonResponse('Session', sessionSchema);
const open = (doc: RouteDoc) => ({ config: { ...publicRoute.config, doc } });
const sessionDoc = open({ summary: 'Whether a token is needed and given', responses: { 200: session } });
const loginDoc = open({
  summary: 'Log in with the token (sets an HttpOnly cookie)',
  body: { 'application/json': loginSchema },
  responses: { 200: session, 400: errorResponse('No token sent'), 401: errorResponse('Wrong token') },
});
const logoutDoc = open({ summary: 'Log out (clears the cookie)', responses: { 200: session } });

/**
 * The browser's login when a token is configured: the SPA posts the token once and
 * gets an HttpOnly, SameSite=Strict cookie, which also authenticates EventSource.
 */
export const sessionRoutes: FastifyPluginAsync<{ token?: string }> = async (app, options) => {
  const { token } = options;
  app.get('/api/session', sessionDoc, async (request) => ({ authRequired: Boolean(token), authenticated: isAuthenticated(request, token) }));

  app.post('/api/session', loginDoc, async (request, reply) => {
    const login = loginSchema.safeParse(request.body);
    if (!login.success) throw new HttpError(400, 'bad_request', 'send {"token": "..."}');
    if (token && !tokenMatches(token, login.data.token)) throw new HttpError(401, 'unauthorized', 'wrong token');
    const value = encodeURIComponent(login.data.token);
    return reply
      .header('set-cookie', `${TOKEN_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict`)
      .send({ authRequired: Boolean(token), authenticated: true });
  });

  app.delete('/api/session', logoutDoc, async (_request, reply) =>
    reply.header('set-cookie', `${TOKEN_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`).send({ authRequired: Boolean(token), authenticated: false }),
  );
};
