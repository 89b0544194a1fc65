import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { injectLocal } from '../testing/test-app.ts';
import { findBuildProcesses, isAlive } from './process-tree.ts';
import { getBuild, postBuild, scenarioSpec, scriptedApp, waitForLog, waitForState } from '../testing/test-builds.ts';

describe('cancel', () => {
  let ctx: Awaited<ReturnType<typeof scriptedApp>>;
  beforeAll(async () => {
    ctx = await scriptedApp({ concurrency: 2 });
  });
  afterAll(async () => {
    await ctx.close();
  });

  /** Starts a scenario and returns the build id and the pids it reported: the build process and two sleeps. */
  async function startHanging(scenario: 'hang' | 'stubborn', size: number) {
    const { body } = await postBuild(ctx.app, scenarioSpec(scenario, size));
    const id = body?.build.id ?? '';
    const match = await waitForLog(ctx.app, id, /pids (\d+) (\d+) (\d+)/);
    const pids = match.slice(1, 4).map(Number);
    expect(pids.every(isAlive)).toBe(true);
    return { id, pids };
  }

  it.each([
    ['hang', 70],
    ['stubborn', 71],
  ] as const)('ends the whole process tree of a %s build within 5 s', async (scenario, size) => {
    const { id, pids } = await startHanging(scenario, size);
    expect(findBuildProcesses(id).sort()).toEqual(expect.arrayContaining(pids));
    const started = Date.now();
    const response = await injectLocal(ctx.app, { method: 'POST', url: `/api/builds/${id}/cancel` });
    expect(response.statusCode).toBe(200);
    const build = await waitForState(ctx.app, id, ['canceled', 'failed', 'succeeded'], 10_000);
    expect(build.state).toBe('canceled');
    expect(Date.now() - started).toBeLessThan(5000);
    // The sleep in its own session escaped the process group; it must be gone too.
    expect(pids.filter(isAlive)).toEqual([]);
    expect(findBuildProcesses(id)).toEqual([]);
    expect(build.stages.find((s) => s.name === 'rootfs')?.status).toBe('canceled');
  });

  it('cancels a queued build without running it', async () => {
    const blockers = await Promise.all([startHanging('hang', 72), startHanging('hang', 73)]);
    const { body } = await postBuild(ctx.app, scenarioSpec('quick', 74));
    const id = body?.build.id ?? '';
    expect(body?.build.state).toBe('queued');
    await injectLocal(ctx.app, { method: 'POST', url: `/api/builds/${id}/cancel` });
    const build = await getBuild(ctx.app, id);
    expect(build).toMatchObject({ state: 'canceled', startedAt: null });
    for (const blocker of blockers) await injectLocal(ctx.app, { method: 'POST', url: `/api/builds/${blocker.id}/cancel` });
    for (const blocker of blockers) await waitForState(ctx.app, blocker.id, ['canceled']);
    expect((await getBuild(ctx.app, id)).state).toBe('canceled');
  });

  it('refuses to cancel a finished build', async () => {
    const { body } = await postBuild(ctx.app, scenarioSpec('quick', 75));
    await waitForState(ctx.app, body?.build.id ?? '', ['succeeded']);
    const response = await injectLocal(ctx.app, { method: 'POST', url: `/api/builds/${body?.build.id}/cancel` });
    expect(response.statusCode).toBe(409);
  });

  it('refuses to delete a running build', async () => {
    const { id } = await startHanging('hang', 76);
    expect((await injectLocal(ctx.app, { method: 'DELETE', url: `/api/builds/${id}` })).statusCode).toBe(409);
    await injectLocal(ctx.app, { method: 'POST', url: `/api/builds/${id}/cancel` });
    await waitForState(ctx.app, id, ['canceled']);
  });
});
