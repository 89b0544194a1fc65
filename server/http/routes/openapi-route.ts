import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { openApiDocument, type DocumentedRoute } from '../openapi-document.ts';
import { jsonResponse } from '../route-docs.ts';

/** The routes are known only once the app is ready, so the document is made then, once. */
export const openApiRoute: FastifyPluginAsync<{ routes: () => readonly DocumentedRoute[] }> = async (app, { routes }) => {
  let document: Record<string, unknown> | undefined;
  app.addHook('onReady', async () => {
    document = openApiDocument(routes());
  });
  const doc = { summary: 'This document', responses: { 200: jsonResponse('OpenAPI 3.1', z.record(z.string(), z.unknown())) } };
  app.get('/api/openapi.json', { config: { role: 'viewer', doc } }, async () => document ?? openApiDocument(routes()));
};
