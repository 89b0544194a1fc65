import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildListSchema, createBuildResponseSchema, type BuildDetail } from '../../src/spec/build-api.ts';
import { buildUpdatesSchema } from '../../src/spec/updates-api.ts';
import { FIXTURE_PACKAGE, startLifecycleWorld, type LifecycleWorld } from '../testing/lifecycle-fixture.ts';
import { injectLocal } from '../testing/test-app.ts';
import { getBuild, postBuild, scenarioSpec, scriptedApp, waitForState } from '../testing/test-builds.ts';

let world: LifecycleWorld;
let ctx: Awaited<ReturnType<typeof scriptedApp>>;
const previousLoopback = process.env.STAMPER_ALLOW_LOOPBACK_SOURCES;

beforeAll(async () => {
  // the scripted build child reads the sources under the operator's policy, from its environment
  process.env.STAMPER_ALLOW_LOOPBACK_SOURCES = '1';
  world = await startLifecycleWorld();
  ctx = await scriptedApp({ sourcePolicy: { allowLoopback: true, allowedHosts: null } });
}, 60_000);
afterAll(async () => {
  await ctx?.close();
  await world?.close();
  if (previousLoopback === undefined) delete process.env.STAMPER_ALLOW_LOOPBACK_SOURCES;
  else process.env.STAMPER_ALLOW_LOOPBACK_SOURCES = previousLoopback;
});

async function buildAndWait(query = ''): Promise<BuildDetail> {
  const { response, body } = await postBuild(ctx.app, world.spec(), query);
  expect(response.statusCode, response.body).toBe(201);
  return waitForState(ctx.app, body?.build.id ?? '', ['succeeded']);
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('a build records what it was made from, and reuse needs the same inputs', () => {
  let first: BuildDetail;

  it('records every apt suite with its release Date and SHA-256, and the pinned binaries', async () => {
    first = await buildAndWait();
    const apt = (first.inputs ?? []).filter((i) => i.kind === 'apt');
    expect(apt.map((i) => [i.role, i.suite])).toEqual([
      ['distro-main', 'trixie'],
      ['distro-updates', 'trixie-updates'],
      ['distro-security', 'trixie-security'],
      ['extra', 'stable'],
      ['extra', 'stable-security'],
    ]);
    for (const input of apt) {
      const served = await readFile(join(world.repo.dir, 'dists', input.suite, 'InRelease'));
      expect(input.sha256).toBe(sha256(served));
      expect(input.date).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} (UTC|\+0000)$/);
    }
    expect(first.inputs?.filter((i) => i.kind === 'binary').map((i) => i.name)).toEqual(['kubelet', 'kubeadm', 'kubectl', 'crictl']);
    expect(first.inputsKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reuses the build while nothing moved', async () => {
    const again = await postBuild(ctx.app, world.spec());
    expect(again.response.statusCode).toBe(200);
    expect(again.body?.reused).toBe(true);
    expect(again.body?.stale).toBeUndefined();
    // nothing newer yet; this check also leaves the suites' indices in the checker's cache
    const before = buildUpdatesSchema.parse((await injectLocal(ctx.app, { url: `/api/builds/${first.id}/updates` })).json());
    expect(before.packages.filter((p) => p.source !== 'catalog')).toEqual([]);
  });

  it('answers reused with what moved once a suite publishes a fix, and builds the successor when asked', async () => {
    await world.publishSecurityFix();
    const stale = await postBuild(ctx.app, world.spec());
    expect(stale.response.statusCode).toBe(200);
    expect(stale.body?.build.id).toBe(first.id);
    expect(stale.body?.stale?.changed.map((c) => c.url.replace(world.repo.url, ''))).toEqual([
      'dists/trixie-security/InRelease',
      'dists/stable-security/InRelease',
    ]);

    const successor = await buildAndWait('?successor=true');
    expect(successor.supersedes).toBe(first.id);
    expect(successor.buildKey).toBe(first.buildKey);
    expect(successor.inputsKey).not.toBe(first.inputsKey);
    expect((await getBuild(ctx.app, first.id)).supersededBy).toBe(successor.id);

    // the newest build of the spec is current again
    const current = await postBuild(ctx.app, world.spec());
    expect(current.body?.build.id).toBe(successor.id);
    expect(current.body?.stale).toBeUndefined();
  });

  it('lists what the first image would now install newer, security fixes first, and the list counts them', async () => {
    const response = await injectLocal(ctx.app, { url: `/api/builds/${first.id}/updates?refresh=true` });
    expect(response.statusCode, response.body).toBe(200);
    const updates = buildUpdatesSchema.parse(response.json());
    const apt = updates.packages.filter((p) => p.source !== 'catalog');
    expect(apt).toEqual([
      { name: 'base-files', installed: '13.8', available: '13.8+deb13u1', security: true, source: 'trixie-security' },
      { name: FIXTURE_PACKAGE, installed: '1.0-1', available: '2.0-1', security: true, source: 'stable-security' },
    ]);
    expect(updates.security).toBe(2);
    expect(updates.unreadable).toEqual([]);

    const list = buildListSchema.parse((await injectLocal(ctx.app, { url: '/api/builds?pageSize=100' })).json());
    expect(list.items.find((b) => b.id === first.id)?.updates).toMatchObject({ count: updates.count, security: 2 });

    // the successor was built from the fixed suites: nothing of its packages is newer
    const successorId = (await getBuild(ctx.app, first.id)).supersededBy ?? '';
    const current = buildUpdatesSchema.parse((await injectLocal(ctx.app, { url: `/api/builds/${successorId}/updates` })).json());
    expect(current.packages.filter((p) => p.source !== 'catalog')).toEqual([]);
  });

  it('refuses updates for a build that did not succeed', async () => {
    const failed = await postBuild(ctx.app, scenarioSpec('fail', 32));
    await waitForState(ctx.app, failed.body?.build.id ?? '', ['failed']);
    const response = await injectLocal(ctx.app, { url: `/api/builds/${failed.body?.build.id ?? ''}/updates` });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'not_checkable' });
  });

  it('rebuilds a succeeded build as its successor on request, and refuses a failed one', async () => {
    const response = await injectLocal(ctx.app, { method: 'POST', url: `/api/builds/${first.id}/rebuild` });
    expect(response.statusCode, response.body).toBe(201);
    const rebuilt = createBuildResponseSchema.parse(response.json()).build;
    expect(rebuilt.supersedes).toBe(first.id);
    await waitForState(ctx.app, rebuilt.id, ['succeeded']);

    const failed = await postBuild(ctx.app, scenarioSpec('fail', 31));
    await waitForState(ctx.app, failed.body?.build.id ?? '', ['failed']);
    const refused = await injectLocal(ctx.app, { method: 'POST', url: `/api/builds/${failed.body?.build.id ?? ''}/rebuild` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'not_rebuildable' });
  });
});
