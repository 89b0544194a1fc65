import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDetailSchema, createBuildResponseSchema } from '../../../src/spec/build-api.ts';
import { channelListSchema, channelPolicyStateSchema, channelSchema, type Channel } from '../../../src/spec/channels-api.ts';
import { startLifecycleWorld, type LifecycleWorld } from '../../testing/lifecycle-fixture.ts';
import { postgresMissing, startTestPostgres, type TestPostgres } from '../../testing/postgres.ts';
import { killAndRemove, startServeProcess, type ServeProcess } from '../../testing/scripted-fleet.ts';
import { scenarioSpec } from '../../testing/test-builds.ts';
import { waitFor } from '../../testing/wait-for.ts';

const missing = await postgresMissing();
if (missing) console.warn(`skipping the channels-on-Postgres tests: ${missing}`);

/**
 * A real `serve` process (scripted runner) with a data dir of its own; only the database is
 * shared. Its updates round (and so its policy round) runs every 1.8 s instead of every 12 h.
 */
const startReplica = (databaseUrl: string, concurrency: number) =>
  startServeProcess({ STAMPER_DATABASE_URL: databaseUrl, STAMPER_ALLOW_LOOPBACK_SOURCES: '1', STAMPER_UPDATES_CHECK_HOURS: '0.0005' }, concurrency);

const json = { 'content-type': 'application/json' };
const call = (replica: ServeProcess, url: string, init: RequestInit = {}) => fetch(`${replica.base}${url}`, init);

async function succeeded(replica: ServeProcess, yaml: string): Promise<string> {
  const response = await call(replica, '/api/builds?force=true', { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: yaml });
  const { build } = createBuildResponseSchema.parse(await response.json());
  await waitFor(`build ${build.id} to succeed`, async () => {
    const detail = buildDetailSchema.parse(await (await call(replica, `/api/builds/${build.id}`)).json());
    if (['failed', 'canceled', 'interrupted'].includes(detail.state)) throw new Error(`build ${build.id} ${detail.state}: ${detail.error ?? ''}`);
    return detail.state === 'succeeded' ? true : undefined;
  });
  return build.id;
}

const promote = (replica: ServeProcess, channel: string, buildId: string) =>
  call(replica, `/api/channels/${channel}`, { method: 'POST', headers: json, body: JSON.stringify({ buildId }) });
const channelOf = async (replica: ServeProcess, channel: string): Promise<Channel> =>
  channelSchema.parse(await (await call(replica, `/api/channels/${channel}`)).json());

/**
 * Channels on one real Postgres behind two API processes: A runs builds, B only answers
 * the API (concurrency 0). What either shows of a channel comes from Postgres, and both
 * run the policy round on their own schedule.
 */
describe.skipIf(missing !== null)('channels with two API processes on one Postgres', () => {
  let server: TestPostgres;
  let url: string;
  let world: LifecycleWorld;
  let a: ServeProcess;
  let b: ServeProcess;
  beforeAll(async () => {
    server = await startTestPostgres();
    url = await server.createDatabase('channel_replicas');
    world = await startLifecycleWorld();
    [a, b] = await Promise.all([startReplica(url, 1), startReplica(url, 0)]);
  }, 60_000);
  afterAll(async () => {
    await killAndRemove([a, b]);
    await world?.close();
    await server?.stop();
  });

  it('promotes through A, resolves through B, and a rollback on B is in A’s history', async () => {
    const first = await succeeded(a, scenarioSpec('quick', 160));
    const second = await succeeded(a, scenarioSpec('quick', 161));
    const promoted = await promote(a, 'workers/stable', first);
    expect(promoted.status, await promoted.clone().text()).toBe(200);

    const viaB = await channelOf(b, 'workers/stable');
    expect(viaB).toMatchObject({ image: 'workers', channel: 'stable', buildId: first });
    const sbom = viaB.artifacts.find((artifact) => artifact.name === 'workers.spdx.json');
    expect(sbom?.url).toBe('/api/channels/workers/stable/artifacts/workers.spdx.json');
    expect(channelListSchema.parse(await (await call(b, '/api/channels')).json()).channels.map((c) => c.buildId)).toEqual([first]);
    // the files are on the disk of A, which built them: its channel URL serves what B listed
    const file = Buffer.from(await (await call(a, sbom?.url ?? '')).arrayBuffer());
    expect(createHash('sha256').update(file).digest('hex')).toBe(sbom?.sha256);

    expect((await promote(a, 'workers/stable', second)).status).toBe(200);
    const rolledBack = await call(b, '/api/channels/workers/stable/rollback', { method: 'POST' });
    expect(rolledBack.status, await rolledBack.clone().text()).toBe(200);
    const viaA = await channelOf(a, 'workers/stable');
    expect(viaA.buildId).toBe(first);
    expect(viaA.history.map((h) => [h.action, h.fromBuild, h.toBuild, h.actor])).toEqual([
      ['rollback', second, first, 'local user'],
      ['promote', first, second, 'local user'],
      ['promote', null, first, 'local user'],
    ]);
    // the delete guard of B reads the channel A moved
    const refused = await call(b, `/api/builds/${first}`, { method: 'DELETE' });
    expect(refused.status).toBe(409);
  }, 60_000);

  it('builds one successor and promotes it once with both processes running the policy round', async () => {
    const first = await succeeded(a, world.spec('edge'));
    expect((await promote(a, 'edge/stable', first)).status).toBe(200);
    const policy = { whenSecurityUpdates: 'build-successor', promoteTo: 'candidate' };
    const set = await call(b, '/api/channels/edge/stable/policy', { method: 'PUT', headers: json, body: JSON.stringify(policy) });
    expect(set.status, await set.clone().text()).toBe(200);

    await world.publishSecurityFix();
    const candidate = await waitFor(
      'a round to promote a successor',
      async () => {
        const response = await call(b, '/api/channels/edge/candidate');
        return response.status === 200 ? channelSchema.parse(await response.json()) : undefined;
      },
      45_000,
    );
    // rounds of both processes go on meanwhile (one every 1.8 s each): none may act again on the same fixes
    await sleep(5000);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const successors = await client.query<{ id: string }>('SELECT id FROM builds WHERE supersedes = $1', [first]).finally(() => client.end());
    expect(successors.rows.map((row) => row.id)).toEqual([candidate.buildId]);
    expect((await channelOf(a, 'edge/candidate')).history.map((h) => [h.action, h.toBuild, h.actor])).toEqual([
      ['promote', candidate.buildId, 'policy:stable'],
    ]);
    const state = channelPolicyStateSchema.parse(await (await call(a, '/api/channels/edge/stable/policy')).json());
    expect(state.runs.map((r) => [r.successor, r.outcome])).toEqual([[candidate.buildId, 'promoted']]);
  }, 90_000);
});
