import type { FastifyPluginAsync } from 'fastify';
import type { RouteOptions } from './route-options.ts';

/** Search in a release's package index. */
export const packagesRoutes: FastifyPluginAsync<RouteOptions> = async () => {};
