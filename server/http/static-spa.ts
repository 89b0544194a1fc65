import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError } from '../../src/spec/build-api.ts';
import { isServerPath } from './route-access.ts';

/**
 * Serves the built SPA from `dist/`. Client routes (/builds/abc) have no file, so
 * they get index.html; API paths never do, so a typo in a fetch is a clear 404.
 */
export async function installStaticSpa(app: FastifyInstance, staticDir: string): Promise<void> {
  const indexPath = path.join(staticDir, 'index.html');
  const hasSpa = existsSync(indexPath);
  if (hasSpa) {
    await app.register(async (scope) => {
      // The file routes are open to page loads without a token (see route-access.ts).
      scope.addHook('onRoute', (route) => {
        route.config = { ...route.config, webApp: true };
      });
      // The wildcard file route would otherwise see unmatched API paths first (and answer 403 for ".." in them).
      scope.addHook('onRequest', async (request, reply) => {
        if (isServerPath(request.url)) return reply.callNotFound();
      });
      await scope.register(fastifyStatic, {
        root: staticDir,
        wildcard: true,
        index: ['index.html'],
        // Vite fingerprints everything under assets/, so those never change; index.html must be re-read.
        setHeaders: (reply, filePath) => {
          const immutable = filePath.startsWith(path.join(staticDir, 'assets') + path.sep);
          reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      });
    });
  }

  app.setNotFoundHandler(async (request: FastifyRequest, reply: FastifyReply) => {
    const wantsPage = request.method === 'GET' || request.method === 'HEAD';
    if (wantsPage && !isServerPath(request.url) && hasSpa) {
      // Read per request: the SPA may be rebuilt while the server runs.
      const page = await readFile(indexPath);
      return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(page);
    }
    const body: ApiError =
      isServerPath(request.url) || !wantsPage
        ? { code: 'not_found', message: `${request.method} ${request.url.split('?')[0]} not found` }
        : { code: 'not_found', message: 'the web app is not built; run npm run build' };
    return reply.code(404).send(body);
  });
}
