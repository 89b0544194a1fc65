import { z } from 'zod';
import {
  apiErrorSchema,
  buildDetailSchema,
  buildListSchema,
  buildSummarySchema,
  createBuildResponseSchema,
  sbomPackageSchema,
} from '../../src/spec/build-api.ts';
import { buildEventBodySchema, buildStates } from '../../src/spec/build-events.ts';
import { PIPELINE_VERSION } from '../../src/spec/build-key.ts';
import { preflightResponseSchema } from '../../src/spec/preflight-api.ts';
import { dropInManifestsResponseSchema } from '../../src/spec/providers/manifests/manifests-api.ts';
import { nodeImageSchema } from '../../src/spec/schema.ts';
import { catalogSchema, healthSchema, sessionSchema, specValidationSchema } from './api-schemas.ts';

type JsonObject = Record<string, unknown>;

/** JSON Schema 2020-12 is OpenAPI 3.1's schema dialect; the per-schema $schema key is dropped. */
function component(schema: z.ZodType, io: 'input' | 'output' = 'output'): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonObject;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: JsonObject) => ({ 'application/json': { schema } });
const ok = (description: string, schema: JsonObject) => ({ description, content: json(schema) });
const error = (description: string) => ({ description, content: json(ref('ApiError')) });
const specBody = {
  required: true,
  content: {
    'application/yaml': { schema: { type: 'string', description: 'NodeImage spec as YAML' } },
    'application/json': { schema: ref('NodeImage') },
  },
};
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };
const skipPreflightParam = {
  name: 'skipPreflight',
  in: 'query',
  schema: { type: 'string' },
  description: 'Comma-separated hosts the user vouches for that this server cannot see: their sources are not requested',
};

/** The OpenAPI 3.1 document, generated from the same zod schemas the handlers and the SPA use. */
export function openApiDocument(): JsonObject {
  return {
    openapi: '3.1.0',
    info: { title: 'Stamper API', version: PIPELINE_VERSION, description: 'Build verified Kubernetes node images from a NodeImage spec.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Required when the server runs with STAMPER_TOKEN' } },
      schemas: {
        NodeImage: component(nodeImageSchema, 'input'),
        BuildSummary: component(buildSummarySchema),
        BuildDetail: component(buildDetailSchema),
        BuildList: component(buildListSchema),
        CreateBuildResponse: component(createBuildResponseSchema),
        BuildEvent: component(z.intersection(buildEventBodySchema, z.object({ seq: z.number().int(), time: z.string() }))),
        SbomPackages: component(z.array(sbomPackageSchema)),
        Catalog: component(catalogSchema),
        SpecValidation: component(specValidationSchema),
        PreflightResponse: component(preflightResponseSchema),
        DropInManifests: component(dropInManifestsResponseSchema),
        Health: component(healthSchema),
        Session: component(sessionSchema),
        ApiError: component(apiErrorSchema),
      },
    },
    security: [{ bearer: [] }],
    paths: {
      '/api/catalog': { get: { summary: 'What can be chosen in a spec', responses: { 200: ok('The catalog', ref('Catalog')) } } },
      '/api/schema': { get: { summary: 'JSON Schema of the NodeImage spec', responses: { 200: ok('JSON Schema', { type: 'object' }) } } },
      '/api/specs/validate': {
        post: {
          summary: 'Validate a spec',
          requestBody: specBody,
          responses: { 200: ok('Result; ok=false lists issues with line/column', ref('SpecValidation')), 413: error('Too large') },
        },
      },
      '/api/preflight': {
        post: {
          summary: 'Request every source the spec names, at once, with a short timeout',
          parameters: [skipPreflightParam],
          requestBody: specBody,
          responses: { 200: ok('Each source with its result', ref('PreflightResponse')), 422: error('Invalid spec') },
        },
      },
      '/api/builds': {
        post: {
          summary: 'Start a build, or reuse the build with the same build key',
          parameters: [
            { name: 'force', in: 'query', schema: { type: 'boolean' }, description: 'Build even when a build with the same key exists' },
            skipPreflightParam,
          ],
          requestBody: specBody,
          responses: {
            201: ok('New build', ref('CreateBuildResponse')),
            200: ok('Existing build reused', ref('CreateBuildResponse')),
            422: error('Invalid spec (issues carry path, line and column), or sources_unreachable: a source the build host cannot use'),
            429: error('Too many builds'),
            507: error('Not enough free disk'),
          },
        },
        get: {
          summary: 'List builds',
          parameters: [
            { name: 'state', in: 'query', schema: { type: 'string', description: `comma-separated: ${buildStates.join(', ')}` } },
            { name: 'name', in: 'query', schema: { type: 'string' } },
            { name: 'kubernetesVersion', in: 'query', schema: { type: 'string', description: '"1.35" matches every 1.35.x' } },
            { name: 'sort', in: 'query', schema: { enum: ['newest', 'oldest'] } },
            { name: 'page', in: 'query', schema: { type: 'integer', minimum: 1 } },
            { name: 'pageSize', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
          ],
          responses: { 200: ok('A page of builds', ref('BuildList')) },
        },
      },
      '/api/builds/{id}': {
        parameters: [idParam],
        get: { summary: 'One build', responses: { 200: ok('Build', ref('BuildDetail')), 404: error('No such build') } },
        delete: {
          summary: 'Delete the artifacts; the build stays as a tombstone',
          responses: { 200: ok('Build', ref('BuildDetail')), 409: error('Still active') },
        },
      },
      '/api/builds/{id}/events': {
        parameters: [
          idParam,
          { name: 'Last-Event-ID', in: 'header', schema: { type: 'integer' } },
          { name: 'after', in: 'query', schema: { type: 'integer' } },
        ],
        get: {
          summary: 'Server-Sent Events; the SSE id is the event seq; ends after the final state',
          responses: {
            200: { description: 'text/event-stream of BuildEvent', content: { 'text/event-stream': { schema: ref('BuildEvent') } } },
            204: { description: 'Build finished and nothing after the given seq' },
          },
        },
      },
      '/api/builds/{id}/log': {
        parameters: [idParam],
        get: { summary: 'Full log as text', responses: { 200: { description: 'Log', content: { 'text/plain': { schema: { type: 'string' } } } } } },
      },
      '/api/builds/{id}/cancel': {
        parameters: [idParam],
        post: { summary: 'Cancel', responses: { 200: ok('Build', ref('BuildDetail')), 409: error('Already finished') } },
      },
      '/api/builds/{id}/retry': {
        parameters: [idParam],
        post: {
          summary: 'Run a failed, canceled or interrupted build again',
          responses: { 201: ok('New build', ref('CreateBuildResponse')), 409: error('Not retryable') },
        },
      },
      '/api/builds/{id}/artifacts/{name}': {
        parameters: [
          idParam,
          { name: 'name', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'Range', in: 'header', schema: { type: 'string' } },
        ],
        get: {
          summary: 'Download an artifact (ETag is its SHA-256; Range supported)',
          responses: {
            200: { description: 'The file' },
            206: { description: 'A byte range' },
            304: { description: 'Not modified' },
            404: error('Unknown artifact'),
            416: { description: 'Range not satisfiable' },
          },
        },
      },
      '/api/builds/{id}/manifests': {
        parameters: [idParam],
        get: {
          summary: 'Drop-in Cluster API manifests (machine templates, ORC Image) naming the build’s images',
          responses: {
            200: ok('Snippets, one per provider target', ref('DropInManifests')),
            404: error('Unknown build'),
            409: error('The build did not succeed'),
          },
        },
      },
      '/api/builds/{id}/sbom': {
        parameters: [idParam],
        get: { summary: 'Installed packages from the SPDX SBOM', responses: { 200: ok('Packages', ref('SbomPackages')), 404: error('No SBOM') } },
      },
      '/api/session': {
        get: { summary: 'Whether a token is needed and given', security: [], responses: { 200: ok('Session', ref('Session')) } },
        post: {
          summary: 'Log in with the token (sets an HttpOnly cookie)',
          security: [],
          responses: { 200: ok('Session', ref('Session')), 401: error('Wrong token') },
        },
      },
      '/api/openapi.json': { get: { summary: 'This document', responses: { 200: ok('OpenAPI 3.1', { type: 'object' }) } } },
      '/api/packages': {
        get: {
          summary: "Search a release's package index",
          parameters: [
            { name: 'release', in: 'query', required: true, schema: { type: 'string' } },
            { name: 'q', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } },
          ],
          responses: { 200: ok('Matching packages', { type: 'object' }), 400: error('Bad query or unknown release'), 502: error('Package index unavailable') },
        },
      },
      '/api/specs/export/image-builder': {
        post: {
          summary: 'Export the spec as an image-builder Packer var file',
          requestBody: specBody,
          responses: { 200: ok('Var file (or a report with ?report=1)', { type: 'object' }), 400: error('Invalid spec') },
        },
      },
      '/api/specs/export/packer': {
        post: {
          summary: 'Export the spec as a Packer HCL2 template',
          requestBody: specBody,
          responses: { 200: { description: 'HCL2 text', content: { 'text/plain': { schema: { type: 'string' } } } }, 400: error('Invalid spec') },
        },
      },
      '/api/specs/import/image-builder': {
        post: {
          summary: 'Import an image-builder var file as a spec',
          requestBody: { required: true, content: { 'application/json': { schema: { type: 'object' } } } },
          responses: { 200: ok('The spec, what was not carried, and its issues', { type: 'object' }), 400: error('Not a var file') },
        },
      },
      '/api/signing/public-key': {
        get: { summary: 'The public key that signs build artifacts', responses: { 200: ok('Key and verify command', { type: 'object' }) } },
      },
      '/healthz': { get: { summary: 'Liveness', security: [], responses: { 200: ok('Health', ref('Health')) } } },
      '/metrics': { get: { summary: 'Prometheus metrics', responses: { 200: { description: 'text/plain exposition format' } } } },
    },
  };
}
