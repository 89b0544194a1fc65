import type { FastifyPluginAsync } from 'fastify';
import { withSlash } from '../../../src/spec/spec-sources.ts';
import { describeSourceFailure, preflightResponseSchema, skipPreflightQuerySchema, type PreflightResponse } from '../../../src/spec/preflight-api.ts';
import type { ServerConfig } from '../../config/server-config.ts';
import { runPreflight } from '../../sources/preflight.ts';
import { HttpError } from '../http-error.ts';
import { errorResponse, jsonResponse, specRequestBody, type RouteDoc } from '../route-docs.ts';
import { requireValidSpec, type ValidSpec } from '../../specs/check-spec-text.ts';
import { acceptSpecText } from '../spec-body.ts';
import { parseOrThrow } from './build-routes.ts';

export type PreflightSettings = Pick<ServerConfig, 'sourcePolicy' | 'standInUrl' | 'preflight'>;

function standIn(settings: PreflightSettings): PreflightResponse['standIn'] {
  if (!settings.standInUrl) return null;
  const repository = withSlash(settings.standInUrl);
  return { repository, signingKeyUrl: `${repository}Release.key` };
}

/** What to do about an unreachable source, in the words the page and the API both use. */
export const UNREACHABLE_ADVICE =
  'point the repository at a mirror or proxy the build host can reach, or (to try Stamper offline) serve the Kubernetes stand-in (npm run kubernetes-stand-in) and use it';

/** Checks a submitted spec's sources before it is queued. */
export function preflightGate(settings: PreflightSettings) {
  return async (checked: ValidSpec, query: unknown): Promise<void> => {
    const { skipPreflight } = parseOrThrow(skipPreflightQuerySchema, query);
    const sources = await runPreflight(checked.spec.spec, { policy: settings.sourcePolicy, skipHosts: skipPreflight ?? [] });
    const failed = sources.filter((s) => !s.ok);
    if (failed.length === 0) return;
    throw new HttpError(
      422,
      'sources_unreachable',
      `the build host cannot use ${failed.length === 1 ? 'a source' : `${failed.length} sources`} this spec names: ${failed.map(describeSourceFailure).join('; ')}. To fix: ${UNREACHABLE_ADVICE}; or, for a host only the build machine's apt can see, resubmit with ?skipPreflight=<host>`,
      failed.map((s) => ({ path: ['sources', s.kind], message: describeSourceFailure(s) })),
    );
  };
}

const preflightDoc: RouteDoc = {
  summary: 'Request every source the spec names, at once, with a short timeout',
  query: skipPreflightQuerySchema,
  body: specRequestBody,
  responses: { 200: jsonResponse('Each source with its result', preflightResponseSchema), 400: errorResponse('Bad query'), 422: errorResponse('Invalid spec') },
};

/** `POST /api/preflight`: every source the spec names, requested now, with its result. */
export const preflightRoutes: FastifyPluginAsync<{ settings: PreflightSettings }> = async (app, { settings }) => {
  acceptSpecText(app);
  app.post('/api/preflight', { config: { role: 'builder', doc: preflightDoc } }, async (request): Promise<PreflightResponse> => {
    const { skipPreflight } = parseOrThrow(skipPreflightQuerySchema, request.query);
    const checked = await requireValidSpec(request.body);
    const sources = await runPreflight(checked.spec.spec, { policy: settings.sourcePolicy, skipHosts: skipPreflight ?? [] });
    return { ok: sources.every((s) => s.ok), enforced: settings.preflight, sources, standIn: standIn(settings) };
  });
};
