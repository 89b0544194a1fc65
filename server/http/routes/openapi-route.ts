import type { FastifyPluginAsync } from 'fastify';
import { openApiDocument } from '../openapi-document.ts';

export const openApiRoute: FastifyPluginAsync = async (app) => {
  const document = openApiDocument();
  app.get('/api/openapi.json', async () => document);
};
