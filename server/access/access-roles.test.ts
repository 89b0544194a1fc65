import Database from 'better-sqlite3';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPageSchema, createdAccessTokenSchema, type Role } from '../../src/spec/access-api.ts';
import { buildDetailSchema, createBuildResponseSchema } from '../../src/spec/build-api.ts';
import { REDACTED } from '../../src/spec/secret-fields.ts';
import { buildApp } from '../http/http-app.ts';
import { createServerApp } from '../http/start-server.ts';
import { scriptedRunner } from '../testing/scripted-runner.ts';
import { testConfig } from '../testing/test-app.ts';

const adminToken = 'the-single-admin-token-of-this-test';
const host = '127.0.0.1:8080';
const hash = '$6$rounds=5000$secretsalt$hashedpasswordvalueonlyforthistestabcdefghijklmnopqrstuvwxyz012345';

/** A spec with a user's password hash; `n` makes each build key distinct. */
const specWithSecret = (n: number) => `apiVersion: stamper/v1alpha1
kind: NodeImage
metadata:
  name: workers
  labels:
    n: "${n}"
spec:
  disk:
    sizeGiB: 20
  outputs:
    - format: raw
  verify:
    enabled: false
  users:
    - name: ops
      # the hash of the ops password
      passwordHash: "${hash}"
`;

async function until(check: () => Promise<boolean>) {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('roles, personal access tokens, redaction and the audit log', () => {
  const config = testConfig({ buildsPerMinute: 10_000, preflight: false }, { STAMPER_TOKEN: adminToken });
  let app: FastifyInstance;
  const tokens: Record<'viewer' | 'alice' | 'bob', string> = { viewer: '', alice: '', bob: '' };
  const as = (token: string) => ({ host, authorization: `Bearer ${token}` });
  const admin = as(adminToken);

  const submit = (token: string, n: number) =>
    app.inject({ method: 'POST', url: '/api/builds', headers: { ...as(token), 'content-type': 'application/yaml' }, payload: specWithSecret(n) });
  const detail = async (token: string, id: string) => buildDetailSchema.parse((await app.inject({ url: `/api/builds/${id}`, headers: as(token) })).json());
  const makeToken = async (name: string, role: Role) => {
    const response = await app.inject({ method: 'POST', url: '/api/tokens', headers: admin, payload: { name, role } });
    expect(response.statusCode).toBe(201);
    return createdAccessTokenSchema.parse(response.json()).token;
  };

  beforeAll(async () => {
    ({ app } = await createServerApp(config, { runner: scriptedRunner(), pollMs: 100 }));
    tokens.viewer = await makeToken('viewer-1', 'viewer');
    tokens.alice = await makeToken('alice', 'builder');
    tokens.bob = await makeToken('bob', 'builder');
  });
  afterAll(async () => {
    await app.close();
    config.cleanup();
  });

  it('declares a role on every route that is not public', async () => {
    const document = (await app.inject({ url: '/api/openapi.json', headers: admin })).json() as {
      paths: Record<string, Record<string, { security?: unknown[]; 'x-stamper-role'?: string }>>;
    };
    const undeclared: string[] = [];
    let declared = 0;
    for (const [url, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
        if (isPublic) continue;
        if (['viewer', 'builder', 'admin'].includes(operation['x-stamper-role'] ?? '')) declared += 1;
        else undeclared.push(`${method} ${url}`);
      }
    }
    expect(undeclared).toEqual([]);
    expect(declared).toBeGreaterThan(25);
    expect(document.paths['/api/builds']?.post?.['x-stamper-role']).toBe('builder');
    expect(document.paths['/api/audit']?.get?.['x-stamper-role']).toBe('admin');
  });

  it('keeps access tokens only as hashes', () => {
    const db = new Database(path.join(config.dataDir, 'stamper.db'), { readonly: true });
    try {
      const rows = db.prepare('SELECT * FROM access_tokens').all() as Record<string, unknown>[];
      expect(rows).toHaveLength(3);
      const stored = JSON.stringify(rows);
      for (const token of Object.values(tokens)) expect(stored).not.toContain(token);
    } finally {
      db.close();
    }
  });

  it('lets a viewer read but not submit, and lets nobody but an admin manage tokens or read the audit log', async () => {
    expect((await app.inject({ url: '/api/builds', headers: as(tokens.viewer) })).statusCode).toBe(200);
    const refused = await submit(tokens.viewer, 1);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ code: 'forbidden' });
    const list = (await app.inject({ url: '/api/builds', headers: admin })).json() as { total: number };
    expect(list.total).toBe(0);
    for (const token of [tokens.viewer, tokens.alice]) {
      expect((await app.inject({ url: '/api/tokens', headers: as(token) })).statusCode).toBe(403);
      expect((await app.inject({ url: '/api/audit', headers: as(token) })).statusCode).toBe(403);
      expect((await app.inject({ method: 'POST', url: '/api/channels/workers/stable', headers: as(token), payload: { buildId: 'x' } })).statusCode).toBe(403);
    }
  });

  it("shows a build's secrets to its submitter and admins only, and builds retries from the stored values", async () => {
    const created = await submit(tokens.alice, 2);
    expect(created.statusCode).toBe(201);
    const { build } = createBuildResponseSchema.parse(created.json());
    expect(JSON.stringify(build.spec)).toContain(hash);

    for (const token of [tokens.alice, adminToken]) {
      const seen = await detail(token, build.id);
      expect(JSON.stringify(seen.spec)).toContain(hash);
      expect(seen.specYaml).toContain(hash);
    }
    for (const token of [tokens.viewer, tokens.bob]) {
      const seen = await detail(token, build.id);
      expect(seen.submittedBy).toBe('alice');
      const body = JSON.stringify(seen);
      expect(body).not.toContain('secretsalt');
      expect((seen.spec as { spec: { users: { passwordHash: string }[] } }).spec.users[0]?.passwordHash).toBe(REDACTED);
      expect(seen.specYaml).toContain(REDACTED);
      // comments survive: the YAML is redacted in place
      expect(seen.specYaml).toContain('# the hash of the ops password');
    }

    // Bob is a builder, but not the submitter
    for (const [method, url] of [
      ['POST', `/api/builds/${build.id}/cancel`],
      ['DELETE', `/api/builds/${build.id}`],
    ] as const) {
      const response = await app.inject({ method, url, headers: as(tokens.bob) });
      expect(response.statusCode, `${method} ${url}`).toBe(403);
    }
    const canceled = await app.inject({ method: 'POST', url: `/api/builds/${build.id}/cancel`, headers: as(tokens.alice) });
    expect(canceled.statusCode).toBe(200);
    await until(async () => (await detail(adminToken, build.id)).state === 'canceled');

    const retried = await app.inject({ method: 'POST', url: `/api/builds/${build.id}/retry`, headers: as(tokens.alice) });
    expect(retried.statusCode).toBe(201);
    const retry = createBuildResponseSchema.parse(retried.json()).build;
    // built from the stored spec, not from what a reader was shown
    expect(JSON.stringify((await detail(adminToken, retry.id)).spec)).toContain(hash);
    expect(JSON.stringify((await detail(tokens.viewer, retry.id)).spec)).not.toContain(hash);
  });

  it('records who did what in the audit log, newest first', async () => {
    const page = auditPageSchema.parse((await app.inject({ url: '/api/audit', headers: admin })).json());
    const actions = page.items.map((entry) => `${entry.action} ${entry.actor}`);
    expect(actions.slice(0, 3)).toEqual(['build.retry alice', 'build.cancel alice', 'build.submit alice']);
    expect(actions.filter((action) => action.startsWith('token.create'))).toHaveLength(3);
    expect(actions.some((action) => action.includes('bob') && !action.startsWith('token.'))).toBe(false);
  });

  it('refuses a revoked token at once', async () => {
    const list = (await app.inject({ url: '/api/tokens', headers: admin })).json() as { id: string; name: string }[];
    const viewer = list.find((token) => token.name === 'viewer-1');
    expect(viewer).toBeDefined();
    expect((await app.inject({ method: 'DELETE', url: `/api/tokens/${viewer?.id}`, headers: admin })).statusCode).toBe(200);
    expect((await app.inject({ url: '/api/builds', headers: as(tokens.viewer) })).statusCode).toBe(401);
  });
});

describe('the loopback default, unchanged for one person', () => {
  it('lets a caller without any credential do everything, as the local user', async () => {
    const config = testConfig({ buildsPerMinute: 10_000, preflight: false });
    const { app } = await createServerApp(config, { runner: scriptedRunner(), pollMs: 100 });
    try {
      const session = (await app.inject({ url: '/api/session', headers: { host } })).json();
      expect(session).toMatchObject({ authRequired: false, authenticated: true, mode: 'loopback', user: { name: 'local user', role: 'admin' } });
      const created = await app.inject({
        method: 'POST',
        url: '/api/builds',
        headers: { host, 'content-type': 'application/yaml' },
        payload: specWithSecret(9),
      });
      expect(created.statusCode).toBe(201);
      const { build } = createBuildResponseSchema.parse(created.json());
      // the one person sees their own spec whole
      expect((await app.inject({ url: `/api/builds/${build.id}`, headers: { host } })).body).toContain(hash);
      expect((await app.inject({ url: '/api/audit', headers: { host } })).statusCode).toBe(200);
      expect((await app.inject({ method: 'DELETE', url: `/api/builds/${build.id}`, headers: { host } })).statusCode).not.toBe(403);
    } finally {
      await app.close();
      config.cleanup();
    }
  });
});

describe('a route without a declared role', () => {
  it('stops the app from starting', async () => {
    const config = testConfig();
    const app = await buildApp({
      config,
      registerBuildRoutes: async (scope) => {
        scope.get('/api/forgotten', { config: { doc: { summary: 'no role', responses: { 200: { description: 'ok' } } } } }, async () => 'ok');
      },
    });
    try {
      await expect(app.ready()).rejects.toThrow(/GET \/api\/forgotten/);
    } finally {
      await app.close().catch(() => undefined);
      config.cleanup();
    }
  });
});
