import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import type { SbomPackage } from '../../../src/spec/build-api.ts';
import { serveArtifact } from '../../downloads/serve-artifact.ts';
import { SbomReadError, readSbomPackages, sbomArtifact } from '../../downloads/build-sbom.ts';
import { buildDirs, isInside } from '../../builds/build-dirs.ts';
import type { Store } from '../../store/store.ts';
import { sbomPackagesSchema } from '../api-schemas.ts';
import { HttpError, notFound } from '../http-error.ts';
import { errorResponse, jsonResponse, type RouteDoc } from '../route-docs.ts';
import { parseOrThrow } from './build-routes.ts';

export interface ArtifactRoutesOptions {
  store: Store;
  dataDir: string;
}

const artifactParams = z.object({ id: z.string().min(1).max(100), name: z.string().min(1).max(255) });

const downloadDoc: RouteDoc = {
  summary: 'Download an artifact (ETag is its SHA-256; Range supported)',
  params: artifactParams,
  headers: z.object({ Range: z.string().optional(), 'If-None-Match': z.string().optional() }),
  responses: {
    200: { description: 'The file' },
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
 * the file path comes from the database and must lie inside the build's output
 * directory, so no request can name a file of its own choosing.
 */
export const artifactRoutes: FastifyPluginAsync<ArtifactRoutesOptions> = async (app, { store, dataDir }) => {
  const recorded = async (id: string, name: string) => {
    const build = await store.getRow(id);
    if (!build || build.deleted) throw notFound('build');
    const artifact = await store.artifact(id, name);
    if (!artifact?.path || !isInside(buildDirs(dataDir, id).outDir, artifact.path)) throw notFound('artifact');
    return { ...artifact, path: artifact.path };
  };

  app.route({
    method: ['GET', 'HEAD'],
    url: '/api/builds/:id/artifacts/:name',
    config: { role: 'viewer', doc: downloadDoc },
    handler: async (request, reply) => {
      const { id, name } = parseOrThrow(artifactParams, request.params);
      return serveArtifact(request, reply, await recorded(id, name));
    },
  });

  app.get('/api/builds/:id/sbom', { config: { role: 'viewer', doc: sbomDoc } }, async (request): Promise<SbomPackage[]> => {
    const { id } = parseOrThrow(artifactParams.pick({ id: true }), request.params);
    if (!(await store.getRow(id))) throw notFound('build');
    const spdx = sbomArtifact(await store.artifacts(id));
    if (!spdx) throw new HttpError(404, 'no_sbom', 'this build has no SBOM');
    const { path } = await recorded(id, spdx.name);
    try {
      return await readSbomPackages(path);
    } catch (error) {
      if (error instanceof SbomReadError) throw new HttpError(error.code === 'sbom_too_large' ? 413 : 422, error.code, error.message);
      throw error;
    }
  });
};
