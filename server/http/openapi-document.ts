import type { FastifyInstance, RouteOptions } from 'fastify';
import { z } from 'zod';
import { apiErrorSchema, buildDetailSchema, buildListSchema, buildSummarySchema, createBuildResponseSchema } from '../../src/spec/build-api.ts';
import { PIPELINE_VERSION } from '../../src/spec/build-key.ts';
import { signingKeyResponseSchema, varFileExportReportSchema, varFileImportResponseSchema } from '../../src/spec/interop/interop-api.ts';
import { sha256SumResponseSchema } from '../../src/spec/checksum-api.ts';
import { preflightResponseSchema } from '../../src/spec/preflight-api.ts';
import { dropInManifestsResponseSchema } from '../../src/spec/providers/manifests/manifests-api.ts';
import { nodeImageSchema } from '../../src/spec/schema.ts';
import { buildUpdatesSchema } from '../../src/spec/updates-api.ts';
import { channelListSchema, channelSchema } from '../../src/spec/channels-api.ts';
import { sessionInfoSchema as sessionSchema, type Role } from '../../src/spec/access-api.ts';
import { catalogSchema, healthSchema, sbomPackagesSchema, specValidationSchema, streamedBuildEventSchema } from './api-schemas.ts';
import type { ContentDoc, RouteDoc } from './route-docs.ts';

type JsonObject = Record<string, unknown>;
type SchemaSide = 'input' | 'output';

/** A route as Fastify registered it, with the doc from its config. */
export interface DocumentedRoute {
  method: string;
  url: string;
  doc?: RouteDoc;
  isPublic: boolean;
  /** The least role the route needs (route-access.ts); absent only on public routes. */
  role?: Role;
}

/**
 * Every route registered after this call, read when asked: a plugin's own onRoute hook
 * (the web app marks its file routes) runs after this one, so the config is read late.
 * The web app's file routes are not API routes.
 */
export function collectRoutes(app: FastifyInstance): () => DocumentedRoute[] {
  const registered: RouteOptions[] = [];
  app.addHook('onRoute', (route) => {
    registered.push(route);
  });
  return () =>
    registered
      .filter((route) => !route.config?.webApp)
      .flatMap((route) =>
        [route.method].flat().map((method) => ({
          method,
          url: route.url,
          doc: route.config?.doc,
          isPublic: route.config?.public === true,
          ...(route.config?.role ? { role: route.config.role } : {}),
        })),
      );
}

/** Named schemas: a route that answers one of these gets a $ref to it. */
const components: [name: string, schema: z.ZodType, side: SchemaSide][] = [
  ['NodeImage', nodeImageSchema, 'input'],
  ['BuildSummary', buildSummarySchema, 'output'],
  ['BuildDetail', buildDetailSchema, 'output'],
  ['BuildList', buildListSchema, 'output'],
  ['CreateBuildResponse', createBuildResponseSchema, 'output'],
  ['BuildEvent', streamedBuildEventSchema, 'output'],
  ['SbomPackages', sbomPackagesSchema, 'output'],
  ['Catalog', catalogSchema, 'output'],
  ['SpecValidation', specValidationSchema, 'output'],
  ['PreflightResponse', preflightResponseSchema, 'output'],
  ['DropInManifests', dropInManifestsResponseSchema, 'output'],
  ['BuildUpdates', buildUpdatesSchema, 'output'],
  ['Channel', channelSchema, 'output'],
  ['ChannelList', channelListSchema, 'output'],
  ['Sha256Sum', sha256SumResponseSchema, 'output'],
  ['VarFileExportReport', varFileExportReportSchema, 'output'],
  ['VarFileImportResponse', varFileImportResponseSchema, 'output'],
  ['SigningKey', signingKeyResponseSchema, 'output'],
  ['Health', healthSchema, 'output'],
  ['Session', sessionSchema, 'output'],
  ['ApiError', apiErrorSchema, 'output'],
];
const componentName = new Map<z.ZodType, string>(components.map(([name, schema]) => [schema, name]));

/** JSON Schema 2020-12 is OpenAPI 3.1's schema dialect; the per-schema $schema key is dropped. */
function jsonSchema(schema: z.ZodType, side: SchemaSide): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: side, unrepresentable: 'any' }) as JsonObject;
  return rest;
}

function schemaOf(schema: z.ZodType, side: SchemaSide): JsonObject {
  const name = componentName.get(schema);
  return name ? { $ref: `#/components/schemas/${name}` } : jsonSchema(schema, side);
}

const contentOf = (content: ContentDoc, side: SchemaSide) =>
  Object.fromEntries(Object.entries(content).map(([mediaType, schema]) => [mediaType, { schema: schemaOf(schema, side) }]));

/** One parameter per field; a field that accepts nothing (optional or defaulted) is not required. */
function parametersOf(location: 'path' | 'query' | 'header', fields: z.ZodObject | undefined): JsonObject[] {
  return Object.entries(fields?.shape ?? {}).map(([name, field]) => {
    const { description, ...schema } = jsonSchema(field, 'input');
    const required = location === 'path' || !z.safeParse(field, undefined).success;
    return { name, in: location, ...(required ? { required } : {}), ...(typeof description === 'string' ? { description } : {}), schema };
  });
}

function pathParameters(url: string, params: z.ZodObject | undefined): JsonObject[] {
  const names = [...url.matchAll(/:(\w+)/g)].map((match) => match[1] ?? '');
  const shape = params?.shape ?? {};
  return parametersOf('path', z.object(Object.fromEntries(names.map((name) => [name, shape[name] ?? z.string()]))));
}

function operationOf(route: DocumentedRoute, doc: RouteDoc): JsonObject {
  const parameters = [...pathParameters(route.url, doc.params), ...parametersOf('query', doc.query), ...parametersOf('header', doc.headers)];
  const responses = Object.fromEntries(
    Object.entries(doc.responses).map(([status, response]) => [
      status,
      { description: response.description, ...(response.content ? { content: contentOf(response.content, 'output') } : {}) },
    ]),
  );
  return {
    summary: doc.summary,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(doc.body ? { requestBody: { required: true, content: contentOf(doc.body, 'input') } } : {}),
    responses,
    // a public route needs no token (route-access.ts); every other route inherits the bearer requirement
    ...(route.isPublic ? { security: [] } : {}),
    ...(route.role ? { 'x-stamper-role': route.role } : {}),
  };
}

/**
 * The OpenAPI 3.1 document, generated from the registered routes and their zod
 * contracts: a route without a doc is an error, so none goes undocumented. HEAD is
 * not listed: every GET answers it too.
 */
export function openApiDocument(routes: readonly DocumentedRoute[]): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const route of routes) {
    if (route.method === 'HEAD') continue;
    if (!route.doc) throw new Error(`${route.method} ${route.url} has no OpenAPI doc: give the route config.doc (route-docs.ts)`);
    if (!route.isPublic && !route.role) throw new Error(`${route.method} ${route.url} declares no role: give the route config.role (route-access.ts)`);
    const path = route.url.replace(/:(\w+)/g, '{$1}');
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operationOf(route, route.doc) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Stamper API',
      version: PIPELINE_VERSION,
      description: 'Build verified Kubernetes node images from a NodeImage spec. Every GET also answers HEAD.',
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'STAMPER_TOKEN or a personal access token; each operation names the least role it needs in x-stamper-role (viewer < builder < admin)',
        },
      },
      schemas: Object.fromEntries(components.map(([name, schema, side]) => [name, jsonSchema(schema, side)])),
    },
    security: [{ bearer: [] }],
    paths,
  };
}
