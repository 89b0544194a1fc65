import type { FastifyPluginAsync } from 'fastify';
import { PIPELINE_VERSION } from '../../../src/spec/build-key.ts';
import { healthSchema } from '../api-schemas.ts';
import { publicRoute } from '../route-access.ts';
import { jsonResponse, type RouteDoc } from '../route-docs.ts';

export interface HealthOptions {
  queueLength: () => number | Promise<number>;
}

/** Liveness for load balancers and scripts; no auth, and nothing in it an attacker could use. */
const healthDoc: RouteDoc = { summary: 'Liveness', responses: { 200: jsonResponse('Health', healthSchema) } };

export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, options) => {
  app.get('/healthz', { config: { ...publicRoute.config, doc: healthDoc } }, async () => ({
    ok: true,
    version: PIPELINE_VERSION,
    queueLength: await options.queueLength(),
  }));
};
