import { Readable } from 'node:stream';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { buildDetailSchema, buildListSchema, createBuildResponseSchema, type CreateBuildResponse } from '../../../src/spec/build-api.ts';
import { buildStates, type BuildEvent } from '../../../src/spec/build-events.ts';
import { skipPreflightQuerySchema } from '../../../src/spec/preflight-api.ts';
import type { ArtifactStorage } from '../../artifact-storage/artifact-storage.ts';
import type { BuildService } from '../../builds/build-service.ts';
import { requireValidSpec, type ValidSpec } from '../../specs/check-spec-text.ts';
import { toBuildDetail } from '../build-detail.ts';
import { HttpError } from '../http-error.ts';
import { errorResponse, jsonResponse, specRequestBody, textResponse, type RouteDoc } from '../route-docs.ts';
import { acceptSpecText } from '../spec-body.ts';
import { actorLabel } from '../../access/principal.ts';
import { requireOwnerOrAdmin, shownTo } from '../../access/build-access.ts';
import type { AccessStore } from '../../store/access-store.ts';
import type { AuditLog } from '../../store/audit-log.ts';
import type { AuditAction } from '../../../src/spec/access-api.ts';
import type { StoredBuild } from '../../store/build-store.ts';
import type { FastifyRequest } from 'fastify';

export interface BuildRoutesOptions {
  service: BuildService;
  /** Where a deleted build's stored files are removed from (object storage; nothing more on local disk). */
  artifactStorage?: ArtifactStorage;
  buildsPerMinute: number;
  /** Refuses a spec whose sources the build host cannot use (see preflight-routes.ts). */
  preflight?: (checked: ValidSpec, query: unknown) => Promise<void>;
  /** Who submitted each build (redaction, ownership); absent only where no store exists. */
  access?: AccessStore;
  audit?: AuditLog;
}

const listQuerySchema = z.object({
  state: z
    .string()
    .describe(`comma-separated: ${buildStates.join(', ')}`)
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(buildStates)))
    .optional(),
  name: z.string().max(200).optional(),
  kubernetesVersion: z.string().max(40).describe('"1.35" matches every 1.35.x').optional(),
  sort: z.enum(['newest', 'oldest']).default('newest'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

const idParams = z.object({ id: z.string().min(1).max(100) });
const flag = z.enum(['true', 'false', '1', '0']).optional();
const forceQuery = z.object({
  force: flag.describe('Build even when a build with the same key exists'),
  successor: flag.describe('When the build that would be reused was made from sources that have moved on since, build its successor instead'),
  skipPreflight: z.string().optional(),
});
const isSet = (value: string | undefined) => value === 'true' || value === '1';

export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.filter((p) => typeof p !== 'symbol'), message: i.message }));
    throw new HttpError(400, 'bad_request', issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '), issues);
  }
  return parsed.data;
}

const build = jsonResponse('Build', buildDetailSchema);
const notOwner = errorResponse('Only the submitter (a builder) or an admin may do this');
const docs = {
  create: {
    summary: 'Start a build, or reuse the build with the same build key',
    // the preflight gate reads skipPreflight from the same query
    query: forceQuery.extend(skipPreflightQuerySchema.shape),
    body: specRequestBody,
    responses: {
      201: jsonResponse('New build', createBuildResponseSchema),
      200: jsonResponse('Existing build reused', createBuildResponseSchema),
      400: errorResponse('Bad query'),
      422: errorResponse('Invalid spec (issues carry path, line and column), or sources_unreachable: a source the build host cannot use'),
      403: errorResponse('The caller is not a builder'),
      429: errorResponse('Too many builds'),
      507: errorResponse('Not enough free disk'),
    },
  },
  list: {
    summary: 'List builds',
    query: listQuerySchema,
    responses: { 200: jsonResponse('A page of builds', buildListSchema), 400: errorResponse('Bad query') },
  },
  detail: {
    summary: "One build; the spec's secrets are redacted for everyone but its submitter and admins",
    params: idParams,
    responses: { 200: build, 404: errorResponse('No such build') },
  },
  cancel: { summary: 'Cancel', params: idParams, responses: { 200: build, 403: notOwner, 409: errorResponse('Already finished') } },
  retry: {
    summary: 'Run a failed, canceled or interrupted build again, after the same source preflight as a new submission',
    params: idParams,
    query: skipPreflightQuerySchema,
    responses: {
      201: jsonResponse('New build', createBuildResponseSchema),
      403: notOwner,
      409: errorResponse('Not retryable'),
      422: errorResponse('sources_unreachable: a source the build host cannot use'),
    },
  },
  rebuild: {
    summary: "Build a succeeded build again from its spec against today's sources, as its successor (supersedes)",
    params: idParams,
    responses: { 201: jsonResponse('The successor', createBuildResponseSchema), 403: notOwner, 409: errorResponse('Only a succeeded build is rebuilt') },
  },
  remove: {
    summary: 'Delete the artifacts; the build stays as a tombstone',
    params: idParams,
    responses: { 200: build, 403: notOwner, 409: errorResponse('Still active') },
  },
  log: { summary: 'Full log as text', params: idParams, responses: { 200: textResponse('Log'), 404: errorResponse('No such build') } },
} satisfies Record<string, RouteDoc>;

/** One line per event, readable in a terminal or a CI log. */
function logLine(event: BuildEvent): string | null {
  switch (event.type) {
    case 'log':
      return `[${event.stage}] ${event.line}`;
    case 'stage':
      return `==> ${event.stage} ${event.status}${event.error ? `: ${event.error}` : ''}`;
    case 'state':
      return `==> build ${event.state}${event.reason ? `: ${event.reason}` : ''}`;
    case 'verify':
      return `==> verify ${event.check.name}: ${event.check.ok ? 'ok' : 'FAILED'} ${event.check.detail}`;
    case 'artifact':
      return `==> artifact ${event.artifact.name} ${event.artifact.sizeBytes} bytes sha256:${event.artifact.sha256}`;
    default:
      return null;
  }
}

export const buildRoutes: FastifyPluginAsync<BuildRoutesOptions> = async (app, { service, artifactStorage, buildsPerMinute, preflight, access, audit }) => {
  acceptSpecText(app);
  const rateLimit = { max: buildsPerMinute, timeWindow: '1 minute' };
  const shown = (request: FastifyRequest, build: StoredBuild) => shownTo(request, access, toBuildDetail(build));
  const record = (request: FastifyRequest, action: AuditAction, buildId: string, detail?: string) =>
    audit?.record(actorLabel(request.principal), action, buildId, detail);
  /** A new build is its caller's: they see its secrets and may cancel, retry and delete it. */
  const submitted = async (request: FastifyRequest, action: AuditAction, result: { build: StoredBuild; reused: boolean }, detail?: string) => {
    // a reused build stays its first submitter's; the submission is still audited
    if (!result.reused && request.principal) await access?.recordSubmitter(result.build.id, request.principal.subject);
    await record(request, action, result.build.id, result.reused ? `${detail ?? ''} (reused the existing build)`.trim() : detail);
  };

  app.post('/api/builds', { config: { role: 'builder', rateLimit, doc: docs.create } }, async (request, reply) => {
    const query = parseOrThrow(forceQuery, request.query);
    const forced = isSet(query.force);
    // ?successor=true: when the build that would be reused is stale, build its successor
    const successor = isSet(query.successor);
    const checked = await requireValidSpec(request.body);
    // a build that is reused fetches nothing, so it needs no preflight
    if (forced || successor || !(await service.hasReusable(checked.buildKey))) await preflight?.(checked, request.query);
    const result = await service.create(checked, forced, successor);
    await submitted(request, 'build.submit', result, `${checked.spec.metadata.name}${forced ? ' (forced)' : ''}`);
    const body: CreateBuildResponse = { build: await shown(request, result.build), reused: result.reused, ...(result.stale ? { stale: result.stale } : {}) };
    return reply.code(result.reused ? 200 : 201).send(body);
  });

  app.get('/api/builds', { config: { role: 'viewer', doc: docs.list } }, async (request) => service.list(parseOrThrow(listQuerySchema, request.query)));

  app.get('/api/builds/:id', { config: { role: 'viewer', doc: docs.detail } }, async (request) =>
    shown(request, await service.detail(parseOrThrow(idParams, request.params).id)),
  );

  app.post('/api/builds/:id/cancel', { config: { role: 'builder', doc: docs.cancel } }, async (request) => {
    const { id } = parseOrThrow(idParams, request.params);
    await service.detail(id);
    await requireOwnerOrAdmin(request, access, id);
    const canceled = await service.cancel(id);
    await record(request, 'build.cancel', id);
    return shown(request, canceled);
  });

  app.post('/api/builds/:id/retry', { config: { role: 'builder', rateLimit, doc: docs.retry } }, async (request, reply) => {
    const { id } = parseOrThrow(idParams, request.params);
    await service.detail(id);
    await requireOwnerOrAdmin(request, access, id);
    // a retry fetches its sources again: the same preflight (and skipPreflight) as a new submission
    const checked = await service.retryableSpec(id);
    if (!(await service.hasReusable(checked.buildKey))) await preflight?.(checked, request.query);
    const result = await service.retry(id);
    await submitted(request, 'build.retry', result, `retry of ${id}`);
    const body: CreateBuildResponse = { build: await shown(request, result.build), reused: result.reused };
    return reply.code(result.reused ? 200 : 201).send(body);
  });

  app.post('/api/builds/:id/rebuild', { config: { role: 'builder', rateLimit, doc: docs.rebuild } }, async (request, reply) => {
    const { id } = parseOrThrow(idParams, request.params);
    await service.detail(id);
    await requireOwnerOrAdmin(request, access, id);
    const result = await service.rebuild(id);
    await submitted(request, 'build.rebuild', { build: result.build, reused: false }, `successor of ${id}`);
    const body: CreateBuildResponse = { build: await shown(request, result.build), reused: false };
    return reply.code(201).send(body);
  });

  app.delete('/api/builds/:id', { config: { role: 'builder', doc: docs.remove } }, async (request) => {
    const { id } = parseOrThrow(idParams, request.params);
    await service.detail(id);
    await requireOwnerOrAdmin(request, access, id);
    const removed = await service.remove(id);
    // after the service's checks (active, on a channel); deleting again finishes what a failure left
    await artifactStorage?.remove(id).catch((error: unknown) => {
      request.log.error({ err: error }, 'removing a deleted build from the artifact storage failed');
      throw new HttpError(
        502,
        'artifact_storage_failed',
        'the build is deleted, but its files could not all be removed from the artifact storage: delete it again',
      );
    });
    await record(request, 'build.delete', id);
    return shown(request, removed);
  });

  app.get('/api/builds/:id/log', { config: { role: 'viewer', doc: docs.log } }, async (request, reply) => {
    const { id } = parseOrThrow(idParams, request.params);
    await service.detail(id);
    // Paged reads, not one long cursor: the connection must stay free for other requests.
    async function* lines() {
      let after = 0;
      for (;;) {
        const events = await service.eventsAfter(id, after);
        if (events.length === 0) return;
        after = events[events.length - 1]?.seq ?? after;
        const text = events
          .map(logLine)
          .filter((line) => line !== null)
          .join('\n');
        if (text) yield `${text}\n`;
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return reply.type('text/plain; charset=utf-8').send(Readable.from(lines()));
  });
};
