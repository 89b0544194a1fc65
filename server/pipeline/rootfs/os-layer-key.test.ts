import { describe, expect, it } from 'vitest';
import { nodeImageSchema, type NodeImageInput, type NodeImageSpec } from '../../../src/spec/schema';
import { minimalInput } from '../../../src/spec/test-specs';
import { osLayerKey } from './os-layer-key';

const spec = (overrides: Partial<NodeImageInput['spec']> = {}): NodeImageSpec => nodeImageSchema.parse(minimalInput(overrides)).spec;

describe('osLayerKey (the rootfs stage base-tree cache key)', () => {
  it('ignores the Kubernetes version but not the packages', () => {
    const a = osLayerKey(spec({ kubernetes: { version: '1.35.3', source: { type: 'apt' } } }));
    const b = osLayerKey(spec({ kubernetes: { version: '1.34.5', source: { type: 'apt' } } }));
    const c = osLayerKey(spec({ packages: ['jq'] }));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});
