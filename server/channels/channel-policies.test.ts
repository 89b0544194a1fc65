import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPageSchema } from '../../src/spec/access-api.ts';
import { channelPolicyStateSchema, channelSchema, type ChannelPolicyState } from '../../src/spec/channels-api.ts';
import { startLifecycleWorld, type LifecycleWorld } from '../testing/lifecycle-fixture.ts';
import { startServer } from '../http/start-server.ts';
import { SqliteStore } from '../store/sqlite-store.ts';
import { scriptedRunner } from '../testing/scripted-runner.ts';
import { injectLocal, testConfig } from '../testing/test-app.ts';
import { getBuild, postBuild, scriptedApp, waitForState } from '../testing/test-builds.ts';
import { waitFor } from '../testing/wait-for.ts';

/**
 * The real server with the scripted lifecycle build: every decision (updates found,
 * successor submitted, verified or not, promoted or not) is the service's own, made from
 * a signed loopback repository that publishes security fixes while the test watches.
 */
let patched: LifecycleWorld;
let broken: LifecycleWorld;
let ctx: Awaited<ReturnType<typeof scriptedApp>>;
const previousLoopback = process.env.STAMPER_ALLOW_LOOPBACK_SOURCES;

beforeAll(async () => {
  // the scripted build child reads the sources under the operator's policy, from its environment
  process.env.STAMPER_ALLOW_LOOPBACK_SOURCES = '1';
  patched = await startLifecycleWorld();
  broken = await startLifecycleWorld();
  ctx = await scriptedApp({ sourcePolicy: { allowLoopback: true, allowedHosts: null } });
}, 60_000);
afterAll(async () => {
  await ctx?.close();
  await patched?.close();
  await broken?.close();
  if (previousLoopback === undefined) delete process.env.STAMPER_ALLOW_LOOPBACK_SOURCES;
  else process.env.STAMPER_ALLOW_LOOPBACK_SOURCES = previousLoopback;
});

async function buildOnStable(world: LifecycleWorld, image: string): Promise<string> {
  const { response, body } = await postBuild(ctx.app, world.spec(image), '?force=true');
  expect(response.statusCode, response.body).toBe(201);
  const id = body?.build.id ?? '';
  await waitForState(ctx.app, id, ['succeeded']);
  const promoted = await injectLocal(ctx.app, {
    method: 'POST',
    url: `/api/channels/${image}/stable`,
    headers: { 'content-type': 'application/json' },
    payload: { buildId: id },
  });
  expect(promoted.statusCode, promoted.body).toBe(200);
  return id;
}

const putPolicy = (image: string, payload: Record<string, unknown>, channel = 'stable') =>
  injectLocal(ctx.app, { method: 'PUT', url: `/api/channels/${image}/${channel}/policy`, headers: { 'content-type': 'application/json' }, payload });
const policyState = async (image: string): Promise<ChannelPolicyState> =>
  channelPolicyStateSchema.parse((await injectLocal(ctx.app, { url: `/api/channels/${image}/stable/policy` })).json());
/** Every build recorded as a successor of `id` (the API names only the newest, and two would be the bug). */
const successorsOf = async (id: string) => {
  const { store } = ctx.system;
  if (!(store instanceof SqliteStore)) throw new Error('channel policies run on the SQLite store');
  const rows = store.db.prepare('SELECT id FROM builds WHERE supersedes = ? ORDER BY rowid').all(id) as { id: string }[];
  return Promise.all(rows.map((row) => getBuild(ctx.app, row.id)));
};

describe('channel policies', () => {
  let first: string;

  it('are set and cleared through the API, validated, and only on a channel that exists', async () => {
    first = await buildOnStable(patched, 'workers');
    expect((await putPolicy('workers', { whenSecurityUpdates: 'build-successor', promoteTo: 'Candidate' })).statusCode).toBe(400);
    expect((await putPolicy('workers', { whenSecurityUpdates: 'build-successor', promoteTo: 'candidate', extra: 1 })).statusCode).toBe(400);
    expect((await putPolicy('workers', { whenSecurityUpdates: 'build-successor', promoteTo: 'candidate' }, 'nightly')).statusCode).toBe(404);

    const set = await putPolicy('workers', { whenSecurityUpdates: 'build-successor', promoteTo: 'candidate' });
    expect(set.statusCode, set.body).toBe(200);
    const channel = channelSchema.parse((await injectLocal(ctx.app, { url: '/api/channels/workers/stable' })).json());
    expect(channel.policy).toEqual({ whenSecurityUpdates: 'build-successor', promoteTo: 'candidate' });

    const cleared = await injectLocal(ctx.app, { method: 'DELETE', url: '/api/channels/workers/stable/policy' });
    expect(cleared.statusCode).toBe(200);
    expect((await policyState('workers')).policy).toBeNull();
  });

  it('do nothing without a policy, even with security updates', async () => {
    await patched.publishSecurityFix();
    await ctx.system.checkForUpdates();
    const updates = await injectLocal(ctx.app, { url: `/api/builds/${first}/updates` });
    expect(updates.json<{ security: number }>().security).toBe(2);
    expect(await successorsOf(first)).toEqual([]);
    expect((await injectLocal(ctx.app, { url: '/api/channels/workers/candidate' })).statusCode).toBe(404);
  });

  it('build one successor for security updates however often the round runs, and promote it once it verified', async () => {
    expect((await putPolicy('workers', { whenSecurityUpdates: 'build-successor', promoteTo: 'candidate' })).statusCode).toBe(200);
    // two rounds at once (a slow round overlapping the next, or an operator's run): one successor
    await Promise.all([ctx.system.checkForUpdates(), ctx.system.checkForUpdates()]);
    const [successor, ...more] = await successorsOf(first);
    expect(more).toEqual([]);
    expect(successor).toBeDefined();

    // settled by the successor's end, not by another round
    const candidate = await waitFor('the candidate channel', async () => {
      const response = await injectLocal(ctx.app, { url: '/api/channels/workers/candidate' });
      return response.statusCode === 200 ? channelSchema.parse(response.json()) : undefined;
    });
    expect(candidate.buildId).toBe(successor?.id);
    expect(candidate.history.map((h) => [h.action, h.fromBuild, h.toBuild, h.actor])).toEqual([['promote', null, successor?.id, 'policy:stable']]);
    const built = await getBuild(ctx.app, successor?.id ?? '');
    expect(built.verify.every((c) => c.ok) && built.verify.length > 0).toBe(true);
    // a policy's move is audited like a person's
    const audit = auditPageSchema.parse((await injectLocal(ctx.app, { url: '/api/audit?action=channel.promote' })).json());
    expect(audit.items.find((entry) => entry.actor === 'policy:stable')).toMatchObject({ target: 'workers/candidate', detail: `build ${successor?.id}` });

    // the policy moves only its target: stable still points at the first build
    const stable = channelSchema.parse((await injectLocal(ctx.app, { url: '/api/channels/workers/stable' })).json());
    expect(stable.buildId).toBe(first);
    expect(stable.policyRuns).toMatchObject([{ fromBuild: first, successor: successor?.id, promoteTo: 'candidate', outcome: 'promoted', securityUpdates: 2 }]);

    // the same fixes found again on the next rounds and by an operator's run: nothing new
    await ctx.system.checkForUpdates();
    const run = await injectLocal(ctx.app, { method: 'POST', url: '/api/channels/workers/stable/policy/run' });
    expect(run.statusCode, run.body).toBe(200);
    expect(await successorsOf(first)).toHaveLength(1);
    expect((await policyState('workers')).runs).toHaveLength(1);
  });

  it('promote nothing when the successor fails its boot check, and show why', async () => {
    const gpuFirst = await buildOnStable(broken, 'gpu');
    expect((await putPolicy('gpu', { whenSecurityUpdates: 'build-successor', promoteTo: 'candidate' })).statusCode).toBe(200);
    await broken.publishSecurityFix({ breaksBoot: true });
    await ctx.system.checkForUpdates();

    const run = await waitFor('the failed run', async () => {
      const [latest] = (await policyState('gpu')).runs;
      return latest && latest.outcome !== 'building' ? latest : undefined;
    });
    expect(run.outcome).toBe('failed');
    expect(run.detail).toContain('boot check failed');
    const [successor] = await successorsOf(gpuFirst);
    expect(successor?.id).toBe(run.successor);
    expect((await getBuild(ctx.app, run.successor)).state).toBe('failed');
    expect((await injectLocal(ctx.app, { url: '/api/channels/gpu/candidate' })).statusCode).toBe(404);
    expect(channelSchema.parse((await injectLocal(ctx.app, { url: '/api/channels/gpu/stable' })).json()).buildId).toBe(gpuFirst);

    // the failed successor is not tried again for the same fixes
    await ctx.system.checkForUpdates();
    expect(await successorsOf(gpuFirst)).toHaveLength(1);
  });

  it('promote nothing when the policy is cleared while its successor builds', async () => {
    const lab = await startLifecycleWorld();
    try {
      const labFirst = await buildOnStable(lab, 'lab');
      expect((await putPolicy('lab', { whenSecurityUpdates: 'build-successor', promoteTo: 'candidate' })).statusCode).toBe(200);
      await lab.publishSecurityFix();
      const run = await injectLocal(ctx.app, { method: 'POST', url: '/api/channels/lab/stable/policy/run' });
      expect(run.statusCode, run.body).toBe(200);
      // the build child takes far longer to start than this request
      expect(channelPolicyStateSchema.parse(run.json()).runs[0]?.outcome).toBe('building');
      expect((await injectLocal(ctx.app, { method: 'DELETE', url: '/api/channels/lab/stable/policy' })).statusCode).toBe(200);

      const [successor] = await successorsOf(labFirst);
      await waitForState(ctx.app, successor?.id ?? '', ['succeeded']);
      const settled = await waitFor('the withdrawn run', async () => {
        const [latest] = (await policyState('lab')).runs;
        return latest && latest.outcome !== 'building' ? latest : undefined;
      });
      expect(settled.outcome).toBe('withdrawn');
      expect((await injectLocal(ctx.app, { url: '/api/channels/lab/candidate' })).statusCode).toBe(404);
    } finally {
      await lab.close();
    }
  });

  it('refuses to run a channel without a policy', async () => {
    await injectLocal(ctx.app, { method: 'DELETE', url: '/api/channels/gpu/stable/policy' });
    const refused = await injectLocal(ctx.app, { method: 'POST', url: '/api/channels/gpu/stable/policy/run' });
    expect(refused.statusCode).toBe(404);
  });
});

describe('the server’s own schedule', () => {
  it('applies a policy on its updates round, with no one asking', async () => {
    const world = await startLifecycleWorld();
    // a round every 1.8 s instead of every 12 h
    const config = testConfig({
      updatesCheckHours: 0.0005,
      port: 0,
      host: '127.0.0.1',
      preflight: false,
      sourcePolicy: { allowLoopback: true, allowedHosts: null },
    });
    const server = await startServer(config, { runner: scriptedRunner(), pollMs: 100 });
    try {
      const { body } = await postBuild(server.app, world.spec('edge'));
      const first = body?.build.id ?? '';
      await waitForState(server.app, first, ['succeeded']);
      const json = { 'content-type': 'application/json' };
      expect((await injectLocal(server.app, { method: 'POST', url: '/api/channels/edge/stable', headers: json, payload: { buildId: first } })).statusCode).toBe(
        200,
      );
      const policy = { whenSecurityUpdates: 'build-successor', promoteTo: 'candidate' };
      expect((await injectLocal(server.app, { method: 'PUT', url: '/api/channels/edge/stable/policy', headers: json, payload: policy })).statusCode).toBe(200);

      await world.publishSecurityFix();
      const candidate = await waitFor('the scheduled round to promote a successor', async () => {
        const response = await injectLocal(server.app, { url: '/api/channels/edge/candidate' });
        return response.statusCode === 200 ? channelSchema.parse(response.json()) : undefined;
      });
      expect((await getBuild(server.app, candidate.buildId)).supersedes).toBe(first);
      expect(candidate.history[0]?.actor).toBe('policy:stable');
    } finally {
      await server.close();
      config.cleanup();
      await world.close();
    }
  }, 60_000);
});
