import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiErrorSchema, buildListSchema } from '../../src/spec/build-api.ts';
import { scenarioSpec } from '../testing/test-builds.ts';
import { scriptedRunner } from '../testing/scripted-runner.ts';
import { createServerApp } from './start-server.ts';
import { testConfig } from '../testing/test-app.ts';

const token = 'a-long-enough-secret-token';
const host = '192.0.2.10:8080';
const shell = '<!doctype html><title>stamper shell</title>';

interface Operation {
  method: HTTPMethods;
  path: string;
  isPublic: boolean;
}

/** Every operation the app's own OpenAPI document lists, with its path parameters filled in. */
function operationsOf(document: { paths: Record<string, Record<string, unknown>> }, values: Record<string, string>): Operation[] {
  const methods = ['get', 'head', 'post', 'put', 'patch', 'delete'];
  return Object.entries(document.paths).flatMap(([template, item]) =>
    Object.entries(item)
      .filter(([method]) => methods.includes(method))
      .map(([method, operation]) => ({
        method: method.toUpperCase() as HTTPMethods,
        path: template.replace(/\{(\w+)\}/g, (_match, name: string) => values[name] ?? name),
        isPublic: Array.isArray((operation as { security?: unknown[] }).security) && (operation as { security: unknown[] }).security.length === 0,
      })),
  );
}

const encodeChar = (char: string, upperHex = false) => {
  const hex = char.charCodeAt(0).toString(16);
  return `%${upperHex ? hex.toUpperCase() : hex}`;
};

/** Spellings of one path that a router or a proxy may or may not fold into the same route. */
function variantsOf(route: string): string[] {
  const segments = route.split('/').slice(1);
  const first = segments[0] ?? '';
  const rest = segments.slice(1).join('/');
  const tail = rest ? `/${rest}` : '';
  const last = segments.at(-1) ?? '';
  const head = segments.slice(0, -1).join('/');
  return [
    route,
    `/${encodeChar(first[0] ?? '')}${first.slice(1)}${tail}`,
    `/${encodeChar(first[0] ?? '', true)}${first.slice(1)}${tail}`,
    `/${head}${head ? '/' : ''}${last.slice(0, -1)}${encodeChar(last.at(-1) ?? '')}`,
    `/${[...route.slice(1)].map((c) => (c === '/' ? c : encodeChar(c))).join('')}`,
    `/%25${(first.charCodeAt(0) ?? 0).toString(16)}${first.slice(1)}${tail}`,
    route.replaceAll('/', '%2F'),
    `/${first}${rest ? `%2F${rest}` : ''}`,
    `/${first}${rest ? `%2f${rest.replaceAll('/', '%2f')}` : ''}`,
    `/${route}`,
    route.replaceAll('/', '//'),
    `/.${route}`,
    `/${first}/.${tail}`,
    `/${first}/x/..${tail}`,
    `${route}/`,
    `${route}?x=1`,
    route.toUpperCase(),
    `/${first[0]?.toUpperCase() ?? ''}${first.slice(1)}${tail}`,
  ];
}

describe('token auth on every route and every spelling of it', () => {
  const spaDir = mkdtempSync(path.join(tmpdir(), 'stamper-spa-'));
  const config = testConfig(
    { host: '192.0.2.10', staticDir: spaDir, buildsPerMinute: 10_000, preflight: false }, // the scripted runner fetches nothing
    { STAMPER_HOST: '192.0.2.10', STAMPER_TOKEN: token },
  );
  let app: FastifyInstance;
  let operations: Operation[];
  const authed = { host, authorization: `Bearer ${token}` };
  const buildCount = async () => buildListSchema.parse((await app.inject({ url: '/api/builds', headers: authed })).json()).total;

  beforeAll(async () => {
    writeFileSync(path.join(spaDir, 'index.html'), shell);
    mkdirSync(path.join(spaDir, 'assets'));
    writeFileSync(path.join(spaDir, 'assets', 'app.js'), 'console.log(1)');
    ({ app } = await createServerApp(config, { runner: scriptedRunner(), pollMs: 100 }));
    // A finished build with artifacts, so the id and name in each URL name something real.
    const created = await app.inject({
      method: 'POST',
      url: '/api/builds',
      headers: { ...authed, 'content-type': 'application/yaml' },
      payload: scenarioSpec('quick', 70),
    });
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { build: { id: string } }).build.id;
    await waitForSucceeded(id);
    const document = (await app.inject({ url: '/api/openapi.json', headers: authed })).json();
    operations = operationsOf(document, { id, name: 'workers.raw' });
  });
  afterAll(async () => {
    await app.close();
    config.cleanup();
    rmSync(spaDir, { recursive: true, force: true });
  });

  async function waitForSucceeded(id: string) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const state = (await app.inject({ url: `/api/builds/${id}`, headers: authed })).json().state;
      if (state === 'succeeded') return;
      if (Date.now() > deadline) throw new Error(`build is ${state}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('covers the routes the issue names', () => {
    const listed = operations.map((op) => `${op.method} ${op.path.replace(/\/builds\/[^/]+/, '/builds/:id')}`);
    for (const expected of [
      'POST /api/builds',
      'GET /api/builds/:id/events',
      'GET /api/builds/:id/artifacts/workers.raw',
      'POST /api/builds/:id/cancel',
      'POST /api/builds/:id/retry',
      'DELETE /api/builds/:id',
      'GET /metrics',
      'GET /api/openapi.json',
    ]) {
      expect(listed).toContain(expected);
    }
    expect(
      operations
        .filter((op) => op.isPublic)
        .map((op) => `${op.method} ${op.path}`)
        .sort(),
    ).toEqual(['DELETE /api/session', 'GET /api/session', 'GET /healthz', 'POST /api/session']);
  });

  it('answers 401 without a token for every protected route in every spelling, and starts no build', async () => {
    const before = await buildCount();
    const leaks: string[] = [];
    for (const op of operations.filter((o) => !o.isPublic)) {
      for (const url of variantsOf(op.path)) {
        const response = await app.inject({
          method: op.method,
          url,
          headers: { host, 'content-type': 'application/yaml' },
          payload: op.method === 'POST' ? scenarioSpec('quick', 71) : undefined,
        });
        const ok =
          response.statusCode === 401 && apiErrorSchema.parse(response.json()).code === 'unauthorized' && response.headers['www-authenticate'] === 'Bearer';
        if (!ok) leaks.push(`${op.method} ${url} → ${response.statusCode} ${response.body.slice(0, 80)}`);
      }
    }
    expect(leaks).toEqual([]);
    expect(await buildCount()).toBe(before);
  });

  it('refuses a foreign Host and Origin on every spelling, token or not', async () => {
    const wrong: string[] = [];
    for (const op of operations) {
      for (const url of variantsOf(op.path)) {
        const badHost = await app.inject({ method: op.method, url, headers: { ...authed, host: 'evil.example:8080' } });
        const badOrigin = await app.inject({ method: op.method, url, headers: { ...authed, origin: 'http://evil.example' } });
        if (badHost.statusCode !== 421 || badOrigin.statusCode !== 403) wrong.push(`${op.method} ${url} → ${badHost.statusCode}/${badOrigin.statusCode}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('reaches the real route through an encoded spelling once the token is given', async () => {
    // Proves the 401s above are the guard's doing and not a router miss.
    const response = await app.inject({ url: '/%61pi/builds', headers: authed });
    expect(response.statusCode).toBe(200);
    expect(buildListSchema.parse(response.json()).total).toBeGreaterThan(0);
  });

  it('keeps the public routes open, and serves the web app only as its shell and files', async () => {
    for (const op of operations.filter((o) => o.isPublic)) {
      const response = await app.inject({ method: op.method, url: op.path, headers: { host }, payload: op.method === 'POST' ? { token } : undefined });
      expect(response.statusCode, `${op.method} ${op.path}`).toBe(200);
    }
    for (const url of ['/', '/builds/abc', '/index.html']) {
      const page = await app.inject({ url, headers: { host } });
      expect(page.statusCode, url).toBe(200);
      expect(page.body).toBe(shell);
    }
    expect((await app.inject({ url: '/assets/app.js', headers: { host } })).body).toBe('console.log(1)');
    // An unknown API path looks the same as a known one to a caller without the token.
    for (const url of ['/api/nope', '/%61pi/nope', '/api/builds/x/nope', '/metrics/x']) {
      const response = await app.inject({ url, headers: { host } });
      expect(response.statusCode, url).toBe(401);
    }
    const unknownPost = await app.inject({ method: 'POST', url: '/whatever', headers: { host } });
    expect(unknownPost.statusCode).toBe(401);
  });

  it.each(['stamper_token=%E0%A4%A', 'stamper_token=%', `stamper_token=${token}%ZZ`])('answers 401, not 500, for the malformed cookie %s', async (cookie) => {
    const protectedRoute = await app.inject({ url: '/api/builds', headers: { host, cookie } });
    expect(protectedRoute.statusCode).toBe(401);
    const session = await app.inject({ url: '/api/session', headers: { host, cookie } });
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({ authenticated: false });
  });
});
