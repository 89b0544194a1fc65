import { describe, expect, it } from 'vitest';
import { planStages as planStageNames } from '../../src/spec/stage-plan';
import { nodeImageSchema, type NodeImage, type NodeImageInput } from '../../src/spec/schema';
import { minimalInput } from '../../src/spec/test-specs';
import { groupConcurrentStages } from './run-pipeline';
import { planStages } from './stage-plan';

const image = (overrides: Partial<NodeImageInput['spec']> = {}): NodeImage => nodeImageSchema.parse(minimalInput(overrides));
const amiImage = () => image({ outputs: [{ format: 'qcow2' }, { format: 'ami', region: 'eu-west-1', bucket: 'my-bucket' }] });

describe('planStages (pipeline)', () => {
  it('binds each stage of the spec plan to the stage of that name, in the same order and with the same decision', () => {
    for (const img of [image(), amiImage(), image({ verify: { enabled: false, timeoutSeconds: 600 } })]) {
      const bound = planStages(img).map((p) => ({ name: p.stage.name, enabled: p.enabled }));
      expect(bound).toEqual(planStageNames(img));
    }
  });
});

describe('groupConcurrentStages', () => {
  it('runs formats and verify side by side and everything else alone', () => {
    const waves = groupConcurrentStages(planStages(amiImage()));
    expect(waves.map((w) => w.map((p) => p.stage.name).join('+'))).toEqual([
      'rootfs',
      'kubernetes',
      'configure',
      'sbom',
      'disk',
      'formats+verify',
      'publish',
      'sign',
    ]);
  });
});
