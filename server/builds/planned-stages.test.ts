import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planStages } from '../../src/spec/stage-plan.ts';
import { parseSpecYaml } from '../../src/spec/yaml-spec.ts';
import { postBuild, scenarioSpec, scriptedApp, waitForState } from '../testing/test-builds.ts';

const amiSpec = (sizeGiB: number) =>
  scenarioSpec('quick', sizeGiB).replace('  outputs:\n    - format: raw\n', '  outputs:\n    - format: ami\n      region: eu-west-1\n      bucket: imports\n');

describe('the stages a new build lists', () => {
  let ctx: Awaited<ReturnType<typeof scriptedApp>>;
  beforeAll(async () => {
    ctx = await scriptedApp();
  });
  afterAll(async () => {
    await ctx.close();
  });

  it.each([
    ['without an AMI output', scenarioSpec('quick', 50)],
    ['with an AMI output', amiSpec(51)],
  ])('are the spec plan, %s', async (_, yaml) => {
    const parsed = parseSpecYaml(yaml);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
    const { body } = await postBuild(ctx.app, yaml);
    expect(body?.build.stages.map((s) => s.name)).toEqual(planStages(parsed.value).map((p) => p.name));
    expect(body?.build.stages.every((s) => s.status === 'pending')).toBe(true);
    await waitForState(ctx.app, body?.build.id ?? '', ['succeeded', 'failed']);
  });

  it('include publish only when the spec has an AMI output', async () => {
    const { body } = await postBuild(ctx.app, amiSpec(52));
    expect(body?.build.stages.map((s) => s.name).slice(-2)).toEqual(['publish', 'sign']);
    await waitForState(ctx.app, body?.build.id ?? '', ['succeeded', 'failed']);
  });
});
