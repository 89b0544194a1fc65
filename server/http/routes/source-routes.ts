import type { FastifyPluginAsync } from 'fastify';
import { sha256SumQuerySchema, sha256SumResponseSchema, type Sha256SumResponse } from '../../../src/spec/checksum-api.ts';
import type { ServerConfig } from '../../config/server-config.ts';
import { fetchSha256Sum, Sha256SumError } from '../../sources/sha256sum-file.ts';
import { SourceFetchError } from '../../sources/source-fetch.ts';
import { SourcePolicyError } from '../../sources/source-policy.ts';
import { HttpError } from '../http-error.ts';
import { errorResponse, jsonResponse, type RouteDoc } from '../route-docs.ts';
import { parseOrThrow } from './build-routes.ts';

export type SourceRouteSettings = Pick<ServerConfig, 'sourcePolicy'>;

/** Each request makes the server fetch a URL: bounded like the build submissions are. */
const fetchRateLimit = { max: 30, timeWindow: '1 minute' };

const sha256SumDoc: RouteDoc = {
  summary: 'Read a published sha256sum file (e.g. a release tarball URL + ".sha256sum") under the source policy',
  query: sha256SumQuerySchema,
  responses: {
    200: jsonResponse('The digest and the file name it is for', sha256SumResponseSchema),
    400: errorResponse('Not an http(s) URL'),
    422: errorResponse('source_refused: the source policy refuses this URL'),
    502: errorResponse('The source answered with an error, did not answer, or sent no sha256sum file'),
  },
};

/**
 * `GET /api/sources/sha256sum?url=`: the SHA-256 a project publishes beside a release file,
 * read by the server (the browser cannot: other origins, and the build host is what must
 * reach the source) under the same source policy builds use.
 */
export const sourceRoutes: FastifyPluginAsync<{ settings: SourceRouteSettings }> = async (app, { settings }) => {
  app.get(
    '/api/sources/sha256sum',
    { config: { role: 'builder', rateLimit: fetchRateLimit, doc: sha256SumDoc } },
    async (request): Promise<Sha256SumResponse> => {
      const { url } = parseOrThrow(sha256SumQuerySchema, request.query);
      try {
        return await fetchSha256Sum(url, { policy: settings.sourcePolicy });
      } catch (err) {
        if (err instanceof SourcePolicyError) throw new HttpError(422, 'source_refused', err.message);
        if (err instanceof Sha256SumError) {
          const code = err.upstreamStatus === null ? 'checksum_unreadable' : 'checksum_unavailable';
          throw new HttpError(502, code, err.message);
        }
        if (err instanceof SourceFetchError) throw new HttpError(502, 'source_unreachable', err.message);
        throw err;
      }
    },
  );
};
