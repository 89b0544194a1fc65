import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  channelListSchema,
  channelParamsSchema,
  channelPolicySchema,
  channelPolicyStateSchema,
  channelSchema,
  promoteBodySchema,
} from '../../../src/spec/channels-api.ts';
import type { ChannelPolicies } from '../../channels/channel-policies.ts';
import type { ArtifactStorage } from '../../artifact-storage/artifact-storage.ts';
import type { ChannelService } from '../../channels/channel-service.ts';
import { serveArtifact } from '../../downloads/serve-artifact.ts';
import { HttpError, notFound } from '../http-error.ts';
import { UpdatesError } from '../../updates/build-updates.ts';
import { errorResponse, jsonResponse, type RouteDoc } from '../route-docs.ts';
import { parseOrThrow } from './build-routes.ts';
import type { AuditLog } from '../../store/audit-log.ts';
import { actorLabel } from '../../access/principal.ts';

export interface ChannelRoutesOptions {
  channels: ChannelService;
  policies: ChannelPolicies;
  /** Where the builds' files are: the data directory or object storage. */
  artifactStorage: ArtifactStorage;
  /** Who the history names for a move when the caller is not known by name (a server without the request guard). */
  actor: string;
  /** Promotions and rollbacks are audited. */
  audit?: AuditLog;
}

const artifactParams = channelParamsSchema.extend({ name: z.string().min(1).max(255) });
const channel = jsonResponse('The channel', channelSchema);
const policyState = jsonResponse("The channel's policy and its newest runs", channelPolicyStateSchema);
const docs = {
  list: { summary: 'Every channel and the build it points at', responses: { 200: jsonResponse('Channels', channelListSchema) } },
  get: {
    summary: 'A channel: its build, versions, files with SHA-256 and stable download URLs, and its history',
    params: channelParamsSchema,
    responses: { 200: channel, 404: errorResponse('No such channel') },
  },
  promote: {
    summary: 'Point a channel at a verified build of its image (creates the channel)',
    params: channelParamsSchema,
    body: { 'application/json': promoteBodySchema },
    responses: { 200: channel, 404: errorResponse('No such build'), 409: errorResponse('not_verified: not a boot-verified build of this image') },
  },
  rollback: {
    summary: 'Point a channel back at the build it pointed at before its last move',
    params: channelParamsSchema,
    responses: { 200: channel, 404: errorResponse('No such channel'), 409: errorResponse('nothing_to_roll_back') },
  },
  artifact: {
    summary: "Download a file of the channel's current build (ETag is its SHA-256; Range supported)",
    params: artifactParams,
    responses: { 200: { description: 'The file' }, 206: { description: 'A byte range' }, 404: errorResponse('No such channel or file') },
  },
  policy: {
    summary: "A channel's policy and what it did: each successor it built, and whether it was promoted",
    params: channelParamsSchema,
    responses: { 200: policyState, 404: errorResponse('No such channel') },
  },
  setPolicy: {
    summary:
      "Set the channel's policy: when the build it points at has security updates, build its successor and put it on `promoteTo` once its boot check passed",
    params: channelParamsSchema,
    body: { 'application/json': channelPolicySchema },
    responses: { 200: policyState, 400: errorResponse('Not a policy'), 404: errorResponse('No such channel') },
  },
  clearPolicy: {
    summary: "Clear the channel's policy: nothing is built or promoted for it any more (runs stay recorded)",
    params: channelParamsSchema,
    responses: { 200: policyState, 404: errorResponse('No such channel') },
  },
  runPolicy: {
    summary: "Apply the channel's policy now: read its build's updates again and, for security updates, build the successor (once per build and set of fixes)",
    params: channelParamsSchema,
    responses: { 200: policyState, 404: errorResponse('No such channel, or it has no policy'), 409: errorResponse('not_checkable') },
  },
} satisfies Record<string, RouteDoc>;

/** Stable URLs for consumers (a CI job, an ORC Image) that follow a channel as it moves. */
export const channelRoutes: FastifyPluginAsync<ChannelRoutesOptions> = async (app, { channels, policies, artifactStorage, actor, audit }) => {
  // The caller by name: the local user, the token holder, a token's or a signed-in user's name.
  const actorOf = (request: FastifyRequest) => actorLabel(request.principal, actor);
  app.get('/api/channels', { config: { role: 'viewer', doc: docs.list } }, async () => await channels.list());

  app.get('/api/channels/:image/:channel', { config: { role: 'viewer', doc: docs.get } }, async (request) => {
    const { image, channel: name } = parseOrThrow(channelParamsSchema, request.params);
    return await channels.get(image, name);
  });

  app.post('/api/channels/:image/:channel', { config: { role: 'admin', doc: docs.promote } }, async (request) => {
    const { image, channel: name } = parseOrThrow(channelParamsSchema, request.params);
    const { buildId } = parseOrThrow(promoteBodySchema, request.body);
    const who = actorOf(request);
    const moved = await channels.promote(image, name, buildId, who);
    await audit?.record(who, 'channel.promote', `${image}/${name}`, `build ${buildId}`);
    return moved;
  });

  app.post('/api/channels/:image/:channel/rollback', { config: { role: 'admin', doc: docs.rollback } }, async (request) => {
    const { image, channel: name } = parseOrThrow(channelParamsSchema, request.params);
    const who = actorOf(request);
    const moved = await channels.rollback(image, name, who);
    await audit?.record(who, 'channel.rollback', `${image}/${name}`, `back to build ${moved.buildId}`);
    return moved;
  });

  app.get('/api/channels/:image/:channel/policy', { config: { role: 'viewer', doc: docs.policy } }, async (request) => {
    const { image, channel: name } = parseOrThrow(channelParamsSchema, request.params);
    await channels.get(image, name);
    return await policies.state(image, name);
  });

  app.put('/api/channels/:image/:channel/policy', { config: { role: 'admin', doc: docs.setPolicy } }, async (request) => {
    const { image, channel: name } = parseOrThrow(channelParamsSchema, request.params);
    const policy = parseOrThrow(channelPolicySchema, request.body);
    const state = await policies.set(image, name, policy);
    await audit?.record(actorOf(request), 'channel.policy.set', `${image}/${name}`, `on security updates: successor to ${policy.promoteTo}`);
    return state;
  });

  app.delete('/api/channels/:image/:channel/policy', { config: { role: 'admin', doc: docs.clearPolicy } }, async (request) => {
    const { image, channel: name } = parseOrThrow(channelParamsSchema, request.params);
    const state = await policies.set(image, name, null);
    await audit?.record(actorOf(request), 'channel.policy.clear', `${image}/${name}`);
    return state;
  });

  // reads the suites again, as a refreshed updates check does, and may submit a build: bounded the same way
  app.post(
    '/api/channels/:image/:channel/policy/run',
    { config: { role: 'admin', doc: docs.runPolicy, rateLimit: { max: 30, timeWindow: '1 minute' } } },
    async (request) => {
      const { image, channel: name } = parseOrThrow(channelParamsSchema, request.params);
      try {
        return await policies.runNow(image, name);
      } catch (error) {
        if (error instanceof UpdatesError) throw new HttpError(error.code === 'not_found' ? 404 : 409, error.code, error.message);
        throw error;
      }
    },
  );

  app.route({
    method: ['GET', 'HEAD'],
    url: '/api/channels/:image/:channel/artifacts/:name',
    config: { role: 'viewer', doc: docs.artifact },
    handler: async (request, reply) => {
      const { image, channel: name, name: file } = parseOrThrow(artifactParams, request.params);
      const { artifact } = await channels.artifact(image, name, file);
      // the name is only a key into the build's recorded files; the storage checks where the bytes may come from
      if (!artifact?.path) throw notFound('artifact');
      // no-cache (set by serveArtifact) matters here: the channel moves, the ETag (the file's SHA-256) says whether the file did
      return serveArtifact(request, reply, artifactStorage, artifact);
    },
  });
};
