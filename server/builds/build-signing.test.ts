import { readdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyOutputs } from '../signing/verify-outputs.ts';
import { postBuild, scenarioSpec, scriptedApp, waitForState } from '../testing/test-builds.ts';
import { buildDirs, keyDir } from './build-dirs.ts';

/**
 * The sign stage inside a build process asks the service, over the build protocol, for
 * the signature: the real stage and both sides of the protocol, with a scripted build.
 */
describe('signing a build through the service', () => {
  let ctx: Awaited<ReturnType<typeof scriptedApp>>;
  beforeAll(async () => {
    ctx = await scriptedApp();
  });
  afterAll(async () => {
    await ctx.close();
  });

  it('signs the checksums the build wrote with the key only the service holds', async () => {
    const { body } = await postBuild(ctx.app, scenarioSpec('signed', 40));
    const build = await waitForState(ctx.app, body?.build.id ?? '', ['succeeded', 'failed']);
    expect(build.error).toBeNull();
    expect(build.state).toBe('succeeded');
    expect(build.stages.find((s) => s.name === 'sign')).toMatchObject({ status: 'succeeded', progress: 100 });
    expect(build.artifacts.map((a) => a.name)).toEqual(['SHA256SUMS', 'SHA256SUMS.sig', 'workers.raw', 'workers.spdx.json']);

    const { outDir } = buildDirs(ctx.config.dataDir, build.id);
    const sums = await readFile(`${outDir}/SHA256SUMS`, 'utf8');
    expect(
      sums
        .split('\n')
        .filter(Boolean)
        .map((line) => line.slice(66)),
    ).toEqual(['workers.raw', 'workers.spdx.json']);
    const report = await verifyOutputs(outDir, { keyDir: keyDir(ctx.config.dataDir) });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('refuses to sign a list that names a file the build never announced, and fails the build at sign', async () => {
    const { body } = await postBuild(ctx.app, scenarioSpec('sign-forged', 41));
    const build = await waitForState(ctx.app, body?.build.id ?? '', ['succeeded', 'failed']);
    expect(build).toMatchObject({ state: 'failed', failedStage: 'sign' });
    expect(build.error).toBe('the service refused to sign: extra.bin is not an artifact of this build');
    // a failed build's outputs are removed, and nothing was signed
    expect(await readdir(buildDirs(ctx.config.dataDir, build.id).outDir).catch(() => [])).toEqual([]);
  });
});
