import { describe, expect, it } from 'vitest';
import { stageNames as eventStageNames } from './build-events';
import { nodeImageSchema, type NodeImage, type NodeImageInput } from './schema';
import { planStages, stageNames } from './stage-plan';
import { minimalInput } from './test-specs';

const image = (overrides: Partial<NodeImageInput['spec']> = {}): NodeImage => nodeImageSchema.parse(minimalInput(overrides));
const summary = (img: NodeImage): string[] => planStages(img).map((p) => `${p.name}:${p.enabled ? 'run' : 'skip'}`);
const ami = { format: 'ami', region: 'eu-west-1', bucket: 'my-bucket' } as const;

describe('planStages', () => {
  it('runs every stage but publish for a spec without an AMI output, and signs last', () => {
    expect(summary(image())).toEqual(['rootfs:run', 'kubernetes:run', 'configure:run', 'sbom:run', 'disk:run', 'formats:run', 'verify:run', 'sign:run']);
  });

  it('publishes before signing for a spec with an AMI output, next to its other formats', () => {
    expect(summary(image({ outputs: [{ format: 'qcow2' }, ami] }))).toEqual([
      'rootfs:run',
      'kubernetes:run',
      'configure:run',
      'sbom:run',
      'disk:run',
      'formats:run',
      'verify:run',
      'publish:run',
      'sign:run',
    ]);
  });

  it('skips the conversions an AMI-only spec does not need', () => {
    const plan = summary(image({ outputs: [ami] }));
    expect(plan).toContain('formats:skip');
    expect(plan.slice(-2)).toEqual(['publish:run', 'sign:run']);
  });

  it('skips verify when the spec turns it off', () => {
    expect(summary(image({ verify: { enabled: false, timeoutSeconds: 600 } }))).toContain('verify:skip');
  });

  it('names its stages in the one order the events use', () => {
    expect(eventStageNames).toBe(stageNames);
    const full = planStages(image({ outputs: [{ format: 'qcow2' }, ami] })).map((p) => p.name);
    expect(full).toEqual([...stageNames]);
  });
});
