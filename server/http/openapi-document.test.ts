import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerApp } from './start-server.ts';
import { collectRoutes, openApiDocument } from './openapi-document.ts';
import { injectLocal, testConfig } from '../testing/test-app.ts';

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: { name: string; in: string; required?: boolean; schema: Record<string, unknown> }[] }>>;
}

/**
 * Every route Fastify has, as "METHOD /path", read from its own route tree (printRoutes)
 * rather than from the list the document is made of. HEAD is left out: every GET answers it.
 */
function registeredRoutes(app: FastifyInstance): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+) \(([^)]+)\)$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(match[2] ?? '');
    for (const method of (match[3] ?? '').split(', ')) if (method !== 'HEAD') routes.push(`${method} ${stack.join('')}`);
  }
  return routes.sort();
}

const documentedRoutes = (document: OpenApiDocument): string[] =>
  Object.entries(document.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
    .sort();

describe('the OpenAPI document', () => {
  const config = testConfig({ staticDir: '/nonexistent-spa' });
  let app: FastifyInstance;
  let document: OpenApiDocument;
  beforeAll(async () => {
    ({ app } = await createServerApp(config));
    await app.ready();
    document = (await injectLocal(app, { url: '/api/openapi.json' })).json();
  });
  afterAll(async () => {
    await app.close();
    config.cleanup();
  });

  it('lists every registered route with its method, and no path without a route', () => {
    const registered = registeredRoutes(app);
    expect(registered.length).toBeGreaterThan(20);
    expect(registered).toContain('DELETE /api/session');
    expect(documentedRoutes(document)).toEqual(registered);
  });

  it("takes parameters from the routes' zod schemas", () => {
    const list = document.paths['/api/builds']?.get?.parameters ?? [];
    expect(list.find((p) => p.name === 'pageSize')).toMatchObject({ in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100 } });
    expect(list.find((p) => p.name === 'state')?.required).toBeUndefined();
    const packages = document.paths['/api/packages']?.get?.parameters ?? [];
    expect(packages.find((p) => p.name === 'release')).toMatchObject({ required: true, schema: { type: 'string', maxLength: 64 } });
    const artifact = document.paths['/api/builds/{id}/artifacts/{name}']?.get?.parameters ?? [];
    expect(artifact.filter((p) => p.in === 'path').map((p) => p.name)).toEqual(['id', 'name']);
  });

  it('refuses a route without a doc, so none is left out', async () => {
    const bare = Fastify();
    const routes = collectRoutes(bare);
    bare.get('/api/undocumented', async () => ({}));
    await bare.ready();
    expect(() => openApiDocument(routes())).toThrow(/GET \/api\/undocumented has no OpenAPI doc/);
    await bare.close();
  });
});
