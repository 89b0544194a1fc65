import type { FastifyPluginAsync } from 'fastify';
import type { RouteOptions } from './route-options.ts';

/** image-builder / Packer import and export, and the signing public key. */
export const interopRoutes: FastifyPluginAsync<RouteOptions> = async () => {};
