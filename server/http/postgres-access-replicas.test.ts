import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPageSchema, createdAccessTokenSchema, sessionInfoSchema, type Role } from '../../src/spec/access-api.ts';
import { buildDetailSchema, createBuildResponseSchema } from '../../src/spec/build-api.ts';
import { postgresMissing, startTestPostgres, type TestPostgres } from '../testing/postgres.ts';
import { killAndRemove, startServeProcess, type ServeProcess } from '../testing/scripted-fleet.ts';
import { scenarioSpec } from '../testing/test-builds.ts';
import { waitFor } from '../testing/wait-for.ts';

const missing = await postgresMissing();
if (missing) console.warn(`skipping the Postgres access replica tests: ${missing}`);

const adminToken = 'replica-admin-token-0123456789';

/**
 * Two real API processes on one real Postgres, sharing nothing else: what one learns of
 * tokens, roles, submitters and the audit log, the other knows at the next request.
 */
describe.skipIf(missing !== null)('access shared by two API processes on one Postgres', () => {
  let server: TestPostgres;
  let a: ServeProcess;
  let b: ServeProcess;
  beforeAll(async () => {
    server = await startTestPostgres();
    const env = { STAMPER_DATABASE_URL: await server.createDatabase('access_replicas'), STAMPER_TOKEN: adminToken };
    [a, b] = await Promise.all([startServeProcess(env, 1), startServeProcess(env, 0)]);
  }, 60_000);
  afterAll(async () => {
    await killAndRemove([a, b]);
    await server?.stop();
  });

  const call = (replica: ServeProcess, token: string, url: string, init: RequestInit = {}) =>
    fetch(`${replica.base}${url}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
  const makeToken = async (replica: ServeProcess, name: string, role: Role) => {
    const response = await call(replica, adminToken, '/api/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, role }),
    });
    expect(response.status).toBe(201);
    return createdAccessTokenSchema.parse(await response.json());
  };
  const whoIs = async (replica: ServeProcess, token: string) => sessionInfoSchema.parse(await (await call(replica, token, '/api/session')).json()).user;
  const auditOf = async (replica: ServeProcess) => auditPageSchema.parse(await (await call(replica, adminToken, '/api/audit')).json()).items;

  it('authenticates on B a token made through A, with its role, and refuses it on A once B revoked it', async () => {
    const created = await makeToken(a, 'ci-viewer', 'viewer');
    expect(await whoIs(b, created.token)).toEqual({ subject: 'ci-viewer', name: 'ci-viewer', role: 'viewer' });
    expect((await call(b, created.token, '/api/builds')).status).toBe(200);
    // the role travels too: a viewer may not submit on B
    const submit = await call(b, created.token, '/api/builds', {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: scenarioSpec('quick', 161),
    });
    expect(submit.status).toBe(403);

    expect((await call(b, adminToken, `/api/tokens/${created.accessToken.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(a, created.token, '/api/builds')).status).toBe(401);
    expect(await whoIs(a, created.token)).toBeNull();
  });

  it('lists on A the audit entries made through B', async () => {
    const created = await makeToken(b, 'audited', 'builder');
    const entries = await auditOf(a);
    expect(entries.find((entry) => entry.action === 'token.create' && entry.target === created.accessToken.id)).toMatchObject({ actor: 'token holder' });
  });

  it('lets a builder cancel through B their own build submitted on A, and refuses another builder', async () => {
    const alice = (await makeToken(a, 'alice', 'builder')).token;
    const bob = (await makeToken(b, 'bob', 'builder')).token;
    const submitted = await call(a, alice, '/api/builds', { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: scenarioSpec('hang', 162) });
    expect(submitted.status).toBe(201);
    const { build } = createBuildResponseSchema.parse(await submitted.json());
    expect(build.submittedBy).toBe('alice');
    const detailOnB = async () => buildDetailSchema.parse(await (await call(b, alice, `/api/builds/${build.id}`)).json());
    expect((await detailOnB()).submittedBy).toBe('alice');

    const refused = await call(b, bob, `/api/builds/${build.id}/cancel`, { method: 'POST' });
    expect(refused.status).toBe(403);
    expect((await call(a, bob, `/api/builds/${build.id}/cancel`, { method: 'POST' })).status).toBe(403);
    expect(['queued', 'running']).toContain((await detailOnB()).state);

    expect((await call(b, alice, `/api/builds/${build.id}/cancel`, { method: 'POST' })).status).toBe(200);
    await waitFor('the cancel', async () => ((await detailOnB()).state === 'canceled' ? true : undefined));
    // who did it is in the one audit log, whichever replica asks
    const cancels = (await auditOf(a)).filter((entry) => entry.action === 'build.cancel' && entry.target === build.id);
    expect(cancels.map((entry) => entry.actor)).toEqual(['alice']);
  });
});
