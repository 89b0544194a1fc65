import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { injectLocal } from '../testing/test-app.ts';
import { buildDirs } from './build-dirs.ts';
import { isAlive } from './process-tree.ts';
import { getBuild, postBuild, scenarioSpec, scriptedApp, waitForLog, waitForState } from '../testing/test-builds.ts';

describe('timeouts', () => {
  it.each([
    // long enough for the child to start and log its pids on a loaded 2-core machine
    [{ stageTimeoutMs: 4000 }, 'stage rootfs took longer than 4 s'],
    [{ buildTimeoutMs: 4000 }, 'build took longer than 4 s'],
  ])('fails a build past its limit %o and ends its processes', async (limits, message) => {
    const ctx = await scriptedApp(limits);
    try {
      const { body } = await postBuild(ctx.app, scenarioSpec('hang', 100));
      const id = body?.build.id ?? '';
      const pids = (await waitForLog(ctx.app, id, /pids (\d+) (\d+) (\d+)/)).slice(1, 4).map(Number);
      const build = await waitForState(ctx.app, id, ['failed', 'canceled', 'succeeded']);
      expect(build).toMatchObject({ state: 'failed', error: message, failedStage: 'rootfs' });
      expect(pids.filter(isAlive)).toEqual([]);
      expect(existsSync(buildDirs(ctx.config.dataDir, id).workDir)).toBe(false);
    } finally {
      await ctx.close();
    }
  });
});

describe('retention', () => {
  it('prunes the artifacts of builds beyond the last N but keeps their history', async () => {
    const ctx = await scriptedApp({ keepBuilds: 2 });
    try {
      const ids: string[] = [];
      for (const size of [110, 111, 112]) {
        const { body } = await postBuild(ctx.app, scenarioSpec('quick', size));
        ids.push(body?.build.id ?? '');
        await waitForState(ctx.app, ids.at(-1) ?? '', ['succeeded']);
      }
      const [oldest, middle, newest] = await Promise.all(ids.map((id) => getBuild(ctx.app, id)));
      expect(oldest?.artifacts).toEqual([]);
      expect(oldest?.state).toBe('succeeded');
      expect(existsSync(buildDirs(ctx.config.dataDir, ids[0] ?? '').outDir)).toBe(false);
      expect(middle?.artifacts).toHaveLength(2);
      expect(newest?.artifacts).toHaveLength(2);
      const log = await injectLocal(ctx.app, { url: `/api/builds/${ids[0]}/log` });
      expect(log.body).toContain('==> build succeeded');
      // Its artifacts are gone, so the same spec builds again instead of reusing it.
      const again = await postBuild(ctx.app, scenarioSpec('quick', 110));
      expect(again.response.statusCode).toBe(201);
      await waitForState(ctx.app, again.body?.build.id ?? '', ['succeeded']);
    } finally {
      await ctx.close();
    }
  });

  it('prunes beyond the byte budget', async () => {
    // Each scripted build writes a little over 64 KiB.
    const ctx = await scriptedApp({ maxArtifactBytes: 100 * 1024 });
    try {
      const first = await postBuild(ctx.app, scenarioSpec('quick', 120));
      await waitForState(ctx.app, first.body?.build.id ?? '', ['succeeded']);
      const second = await postBuild(ctx.app, scenarioSpec('quick', 121));
      await waitForState(ctx.app, second.body?.build.id ?? '', ['succeeded']);
      expect((await getBuild(ctx.app, first.body?.build.id ?? '')).artifacts).toEqual([]);
      expect((await getBuild(ctx.app, second.body?.build.id ?? '')).artifacts).toHaveLength(2);
    } finally {
      await ctx.close();
    }
  });
});
