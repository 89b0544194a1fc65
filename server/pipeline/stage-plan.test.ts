import { describe, expect, it } from 'vitest';
import { nodeImageSchema, type NodeImage, type NodeImageInput } from '../../src/spec/schema';
import { minimalInput } from '../../src/spec/test-specs';
import type { Stage } from './stage';
import { planStages } from './stage-plan';

const image = (overrides: Partial<NodeImageInput['spec']> = {}): NodeImage => nodeImageSchema.parse(minimalInput(overrides));
const fakePublish: Stage = { name: 'publish', enabled: () => true, run: async () => undefined };
const summary = (img: NodeImage, publish?: Stage): string[] => planStages(img, publish).map((p) => `${p.stage.name}:${p.enabled ? 'run' : 'skip'}`);

describe('planStages', () => {
  it('runs every default stage in pipeline order', () => {
    expect(summary(image())).toEqual(['rootfs:run', 'kubernetes:run', 'configure:run', 'sbom:run', 'disk:run', 'formats:run', 'verify:run']);
  });

  it('skips verify when the spec turns it off', () => {
    expect(summary(image({ verify: { enabled: false, timeoutSeconds: 600 } }))).toContain('verify:skip');
  });

  it('adds publish only for AMI outputs, and skips conversions an AMI-only spec does not need', () => {
    expect(summary(image(), fakePublish)).not.toContain('publish:run');
    const ami = image({ outputs: [{ format: 'ami', region: 'eu-west-1', bucket: 'my-bucket' }] });
    const plan = summary(ami, fakePublish);
    expect(plan.at(-1)).toBe('publish:run');
    expect(plan).toContain('formats:skip');
  });
});

describe('groupConcurrentStages', () => {
  it('runs formats and verify side by side and everything else alone', async () => {
    const { groupConcurrentStages } = await import('./run-pipeline');
    const waves = groupConcurrentStages(planStages(image({ outputs: [{ format: 'ami', region: 'eu-west-1', bucket: 'my-bucket' }] }), fakePublish));
    expect(waves.map((w) => w.map((p) => p.stage.name).join('+'))).toEqual(['rootfs', 'kubernetes', 'configure', 'sbom', 'disk', 'formats+verify', 'publish']);
  });
});
