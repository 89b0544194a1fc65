import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { buildUpdatesSchema, type BuildUpdates } from '../../../src/spec/updates-api.ts';
import { UpdatesError, type BuildUpdatesChecker } from '../../updates/build-updates.ts';
import { HttpError } from '../http-error.ts';
import { errorResponse, jsonResponse, type RouteDoc } from '../route-docs.ts';
import { parseOrThrow } from './build-routes.ts';

export interface UpdateRoutesOptions {
  updates: BuildUpdatesChecker;
}

const idParams = z.object({ id: z.string().min(1).max(100) });
const refreshQuery = z.object({ refresh: z.enum(['true', 'false', '1', '0']).optional().describe('Read the suites again instead of the kept answer') });

const updatesDoc: RouteDoc = {
  summary: "Packages of a finished image that its own suites now offer newer (the rebuild's package diff ahead of time)",
  params: idParams,
  query: refreshQuery,
  responses: {
    200: jsonResponse('The updates, with when they were checked', buildUpdatesSchema),
    404: errorResponse('No such build'),
    409: errorResponse('The build did not succeed, or recorded no sources to compare with'),
  },
};

/** Reading the suites again fetches their indices: bounded like the other fetching routes. */
const refreshRateLimit = { max: 30, timeWindow: '1 minute' };

export const updateRoutes: FastifyPluginAsync<UpdateRoutesOptions> = async (app, { updates }) => {
  app.get('/api/builds/:id/updates', { config: { role: 'viewer', doc: updatesDoc, rateLimit: refreshRateLimit } }, async (request): Promise<BuildUpdates> => {
    const { id } = parseOrThrow(idParams, request.params);
    const { refresh } = parseOrThrow(refreshQuery, request.query);
    try {
      return await updates.updates(id, refresh === 'true' || refresh === '1');
    } catch (error) {
      if (error instanceof UpdatesError)
        throw new HttpError(error.code === 'not_found' ? 404 : 409, error.code === 'not_found' ? 'not_found' : 'not_checkable', error.message);
      throw error;
    }
  });
};
