import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { renderDropInManifests } from '../../../src/spec/providers/manifests/drop-in-manifests.ts';
import { manifestInputFromBuild } from '../../../src/spec/providers/manifests/manifest-input-from-build.ts';
import { dropInManifestsResponseSchema, type DropInManifestsResponse } from '../../../src/spec/providers/manifests/manifests-api.ts';
import { nodeImageSchema } from '../../../src/spec/schema.ts';
import type { BuildService } from '../../builds/build-service.ts';
import { toBuildDetail } from '../build-detail.ts';
import { HttpError } from '../http-error.ts';
import { errorResponse, jsonResponse, type RouteDoc } from '../route-docs.ts';
import { parseOrThrow } from './build-routes.ts';

export interface ManifestRoutesOptions {
  service: BuildService;
}

const idParams = z.object({ id: z.string().min(1).max(100) });

const manifestsDoc: RouteDoc = {
  summary: 'Drop-in Cluster API manifests (machine templates, ORC Image) naming the build’s images',
  params: idParams,
  responses: {
    200: jsonResponse('Snippets, one per provider target', dropInManifestsResponseSchema),
    404: errorResponse('Unknown build'),
    409: errorResponse('The build did not succeed'),
    422: errorResponse('The build’s spec is one the current schema no longer reads'),
  },
};

/**
 * The drop-in Cluster API snippets for a finished build. Artifact URLs are made absolute
 * with the origin the caller reached this server by (its Host was checked by the request
 * guard), since a cluster, not this page, downloads them.
 */
export const manifestRoutes: FastifyPluginAsync<ManifestRoutesOptions> = async (app, { service }) => {
  app.get('/api/builds/:id/manifests', { config: { role: 'viewer', doc: manifestsDoc } }, async (request): Promise<DropInManifestsResponse> => {
    const { id } = parseOrThrow(idParams, request.params);
    const build = toBuildDetail(await service.detail(id));
    if (build.state !== 'succeeded') {
      throw new HttpError(409, 'build_not_succeeded', `build ${id} is ${build.state}: drop-in manifests name the images of a succeeded build`);
    }
    const image = nodeImageSchema.safeParse(build.spec);
    if (!image.success) throw new HttpError(422, 'spec_not_current', 'this build was made from a spec the current schema no longer reads');
    const origin = `${request.protocol}://${request.host}`;
    const input = manifestInputFromBuild({
      buildId: build.id,
      image: image.data,
      artifacts: build.artifacts.map((a) => ({
        name: a.name,
        format: a.format,
        sha256: a.sha256,
        sizeBytes: a.sizeBytes,
        url: new URL(a.url, origin).toString(),
      })),
      published: build.published,
    });
    return { manifests: renderDropInManifests(input) };
  });
};
