import { describe, expect, it } from 'vitest';
import { nodeImageSchema } from '../../schema';
import { minimalInput } from '../../test-specs';
import { renderDropInManifests } from './drop-in-manifests';
import { manifestInputFromBuild } from './manifest-input-from-build';

describe('manifestInputFromBuild', () => {
  const image = nodeImageSchema.parse(
    minimalInput({ kubernetes: { version: '1.35.3', source: { type: 'apt' } }, outputs: [{ format: 'containerdisk', targets: ['kubevirt'] }] }),
  );
  const digest = `sha256:${'c'.repeat(64)}`;

  it('pins the KubeVirt snippet to the digest the build pushed', () => {
    const input = manifestInputFromBuild({
      buildId: 'b1',
      image,
      artifacts: [],
      published: [{ provider: 'kubevirt', reference: 'registry.example:5000/nodes/workers:v1.35.3', digest }],
    });
    expect(input.containerDisk).toEqual({ reference: 'registry.example:5000/nodes/workers:v1.35.3', digest });
    const kubevirt = renderDropInManifests(input).find((m) => m.target === 'kubevirt');
    expect(kubevirt?.yaml).toContain(`image: registry.example:5000/nodes/workers@${digest}`);
  });

  it('leaves the registry to the user when nothing was pushed', () => {
    const input = manifestInputFromBuild({ buildId: 'b1', image, artifacts: [], published: [] });
    expect(input.containerDisk).toBeUndefined();
    expect(renderDropInManifests(input).find((m) => m.target === 'kubevirt')?.yaml).toContain('${CONTAINER_DISK_REGISTRY}/workers:v1.35.3');
  });
});
