import type { FastifyPluginAsync } from 'fastify';
import { PIPELINE_VERSION } from '../../../src/spec/build-key.ts';
import { publicRoute } from '../route-access.ts';

export interface HealthOptions {
  queueLength: () => number;
}

/** Liveness for load balancers and scripts; no auth, and nothing in it an attacker could use. */
export const healthRoutes: FastifyPluginAsync<HealthOptions> = async (app, options) => {
  app.get('/healthz', publicRoute, async () => ({ ok: true, version: PIPELINE_VERSION, queueLength: options.queueLength() }));
};
