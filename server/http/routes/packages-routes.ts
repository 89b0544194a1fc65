import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { ApiError } from '../../../src/spec/build-api.ts';
import { PackageIndex, PackageIndexError } from '../../debian-packages/package-index.ts';
import { searchPackages } from '../../debian-packages/packages-file.ts';
import type { SourcePolicy } from '../../sources/source-policy.ts';
import { anyJsonObject, errorResponse, jsonResponse, type RouteDoc } from '../route-docs.ts';
import type { RouteOptions } from './route-options.ts';

export interface PackagesRouteOptions extends RouteOptions {
  /** The operator's source policy, which the index fetch obeys like a build. */
  sourcePolicy: SourcePolicy;
  /** Tests point this at a Packages file served on loopback; by default the host's apt mirror. */
  mirrorUrl?: string;
  aptDir?: string;
}

const querySchema = z.object({
  release: z.string().min(1).max(64),
  q: z.string().max(100).default(''),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

const packagesDoc: RouteDoc = {
  summary: "Search a release's package index",
  query: querySchema,
  responses: {
    200: jsonResponse('Matching packages', anyJsonObject),
    400: errorResponse('Bad query or unknown release'),
    422: errorResponse('The release needs a mirror, or the source policy refuses its mirror'),
    502: errorResponse('Package index unavailable'),
  },
};

const statusOf: Record<PackageIndexError['code'], number> = {
  unknown_release: 400,
  mirror_required: 422,
  package_index_unavailable: 502,
  refused_by_policy: 422,
};

/** Search in a release's package index: `GET /api/packages?release=&q=&limit=`. */
export const packagesRoutes: FastifyPluginAsync<PackagesRouteOptions> = async (app, options) => {
  const index = new PackageIndex({
    dataDir: options.dataDir,
    policy: options.sourcePolicy,
    mirrorUrl: options.mirrorUrl ?? process.env.STAMPER_PACKAGES_MIRROR,
    aptDir: options.aptDir,
  });

  app.get('/api/packages', { config: { role: 'viewer', doc: packagesDoc } }, async (request, reply) => {
    const parsed = querySchema.safeParse(request.query);
    if (!parsed.success) {
      const body: ApiError = {
        code: 'invalid_query',
        message: 'expected ?release=<id>&q=<text>&limit=<1-100>',
        issues: parsed.error.issues.map((issue) => ({ path: issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: issue.message })),
      };
      return reply.code(400).send(body);
    }
    const { release, q, limit } = parsed.data;
    try {
      const entries = await index.packages(release);
      const result = searchPackages(entries, q, limit);
      return { release, query: q, total: result.total, items: result.items };
    } catch (error) {
      if (error instanceof PackageIndexError) {
        const body: ApiError = { code: error.code, message: error.message };
        return reply.code(statusOf[error.code]).send(body);
      }
      throw error;
    }
  });
};
