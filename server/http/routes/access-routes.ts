import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import {
  accessTokenSchema,
  auditActions,
  auditPageSchema,
  createdAccessTokenSchema,
  newAccessTokenSchema,
  roleAssignmentSchema,
} from '../../../src/spec/access-api.ts';
import { actorLabel } from '../../access/principal.ts';
import type { AccessStore } from '../../store/access-store.ts';
import type { AuditLog } from '../../store/audit-log.ts';
import { notFound } from '../http-error.ts';
import { errorResponse, jsonResponse, type RouteDoc } from '../route-docs.ts';
import { parseOrThrow } from './build-routes.ts';

export interface AccessRoutesOptions {
  access: AccessStore;
  audit: AuditLog;
}

const tokenParams = z.object({ id: z.string().min(1).max(100) });
const auditQuery = z.object({
  before: z.coerce.number().int().positive().optional().describe('Entries older than this id (the nextBefore of the previous page)'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  action: z.enum(auditActions).optional(),
});

const docs = {
  listTokens: { summary: 'Personal access tokens (never the tokens themselves)', responses: { 200: jsonResponse('Tokens', z.array(accessTokenSchema)) } },
  createToken: {
    summary: 'Create a personal access token for CLI or CI; the answer is the only time the token is shown',
    body: { 'application/json': newAccessTokenSchema },
    responses: { 201: jsonResponse('The token, once', createdAccessTokenSchema), 400: errorResponse('Bad body') },
  },
  revokeToken: {
    summary: 'Revoke a personal access token (at once, on every request after)',
    params: tokenParams,
    responses: { 200: jsonResponse('The revoked token', accessTokenSchema), 404: errorResponse('No such token') },
  },
  assignRole: {
    summary: "Give a signed-in user a role; it wins over the identity provider's claim from their next request on",
    body: { 'application/json': roleAssignmentSchema },
    responses: { 200: jsonResponse('The assignment', roleAssignmentSchema), 400: errorResponse('Bad body') },
  },
  audit: {
    summary: 'The audit log: submissions, retries, cancels, deletes, promotions, tokens and roles',
    query: auditQuery,
    responses: { 200: jsonResponse('A page, newest first', auditPageSchema) },
  },
} satisfies Record<string, RouteDoc>;

/** Tokens, roles and the audit log: all admin-only. */
export const accessRoutes: FastifyPluginAsync<AccessRoutesOptions> = async (app, { access, audit }) => {
  const admin = (doc: RouteDoc) => ({ config: { role: 'admin' as const, doc } });

  app.get('/api/tokens', admin(docs.listTokens), async () => access.tokens());

  app.post('/api/tokens', admin(docs.createToken), async (request, reply) => {
    const body = parseOrThrow(newAccessTokenSchema, request.body);
    const actor = actorLabel(request.principal);
    const created = await access.createToken({ name: body.name, subject: body.subject ?? body.name, role: body.role, createdBy: actor });
    await audit.record(actor, 'token.create', created.accessToken.id, `${body.name} as ${created.accessToken.subject}, ${body.role}`);
    return reply.code(201).header('cache-control', 'no-store').send(created);
  });

  app.delete('/api/tokens/:id', admin(docs.revokeToken), async (request) => {
    const { id } = parseOrThrow(tokenParams, request.params);
    const revoked = await access.revokeToken(id);
    if (!revoked) throw notFound('token');
    await audit.record(actorLabel(request.principal), 'token.revoke', id, revoked.name);
    return revoked;
  });

  app.put('/api/roles', admin(docs.assignRole), async (request) => {
    const body = parseOrThrow(roleAssignmentSchema, request.body);
    const actor = actorLabel(request.principal);
    await access.assignRole(body.subject, body.role, actor);
    await audit.record(actor, 'role.assign', body.subject, body.role);
    return body;
  });

  app.get('/api/audit', admin(docs.audit), async (request) => audit.page(parseOrThrow(auditQuery, request.query)));
};
