import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { SbomPackage } from '../../../src/spec/build-api.ts';
import type { ArtifactStorage } from '../../artifact-storage/artifact-storage.ts';
import { serveArtifact } from '../../downloads/serve-artifact.ts';
import { SbomReadError, readStoredSbomPackages, sbomArtifact } from '../../downloads/build-sbom.ts';
import type { Store } from '../../store/store.ts';
import { sbomPackagesSchema } from '../api-schemas.ts';
import { HttpError, notFound } from '../http-error.ts';
import { errorResponse, jsonResponse, type RouteDoc } from '../route-docs.ts';
import { parseOrThrow } from './build-routes.ts';

export interface ArtifactRoutesOptions {
  store: Store;
  /** The data directory (the default) or object storage; it also decides which recorded paths may be served. */
  artifactStorage: ArtifactStorage;
}

const artifactParams = z.object({ id: z.string().min(1).max(100), name: z.string().min(1).max(255) });

const downloadDoc: RouteDoc = {
  summary: 'Download an artifact (ETag is its SHA-256; Range supported)',
  params: artifactParams,
  headers: z.object({ Range: z.string().optional(), 'If-None-Match': z.string().optional() }),
  responses: {
    200: { description: 'The file' },
    302: { description: 'With STAMPER_ARTIFACTS_DOWNLOAD=presigned: a short-lived URL of the object' },
    206: { description: 'A byte range' },
    304: { description: 'Not modified' },
    404: errorResponse('Unknown artifact'),
    416: { description: 'Range not satisfiable' },
  },
};
const sbomDoc: RouteDoc = {
  summary: 'Installed packages from the SPDX SBOM',
  params: artifactParams.pick({ id: true }),
  responses: { 200: jsonResponse('Packages', sbomPackagesSchema), 404: errorResponse('No such build, or no SBOM') },
};

/**
 * Downloads. The name in the URL is only a key into the build's recorded artifacts;
 * where its bytes are is the artifact storage's to say (on local disk the recorded
 * path must lie inside the build's output directory), so no request can name a file
 * of its own choosing.
 */
export const artifactRoutes: FastifyPluginAsync<ArtifactRoutesOptions> = async (app, { store, artifactStorage }) => {
  const recorded = async (id: string, name: string) => {
    const build = await store.getRow(id);
    if (!build || build.deleted) throw notFound('build');
    const artifact = await store.artifact(id, name);
    if (!artifact?.path) throw notFound('artifact');
    return artifact;
  };

  app.route({
    method: ['GET', 'HEAD'],
    url: '/api/builds/:id/artifacts/:name',
    config: { role: 'viewer', doc: downloadDoc },
    handler: async (request, reply) => {
      const { id, name } = parseOrThrow(artifactParams, request.params);
      return serveArtifact(request, reply, artifactStorage, await recorded(id, name));
    },
  });

  app.get('/api/builds/:id/sbom', { config: { role: 'viewer', doc: sbomDoc } }, async (request): Promise<SbomPackage[]> => {
    const { id } = parseOrThrow(artifactParams.pick({ id: true }), request.params);
    if (!(await store.getRow(id))) throw notFound('build');
    const spdx = sbomArtifact(await store.artifacts(id));
    if (!spdx) throw new HttpError(404, 'no_sbom', 'this build has no SBOM');
    const stored = await artifactStorage.open(await recorded(id, spdx.name));
    if (!stored) throw notFound('artifact');
    try {
      return await readStoredSbomPackages(stored);
    } catch (error) {
      if (error instanceof SbomReadError) throw new HttpError(error.code === 'sbom_too_large' ? 413 : 422, error.code, error.message);
      throw error;
    }
  });
};
