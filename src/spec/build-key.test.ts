import { describe, expect, it } from 'vitest';
import { PIPELINE_VERSION, buildKey } from './build-key';
import { nodeImageSchema, type NodeImageInput } from './schema';
import { minimalInput } from './test-specs';
import { parseSpecYaml } from './yaml-spec';

const keyOf = (input: NodeImageInput) => buildKey(nodeImageSchema.parse(input));

describe('buildKey', () => {
  it('is a SHA-256 hex digest', async () => {
    expect(await keyOf(minimalInput())).toMatch(/^[a-f0-9]{64}$/);
  });

  it('is the same for the same spec written in another key order', async () => {
    const a = parseSpecYaml(`apiVersion: stamper/v1alpha1
kind: NodeImage
metadata: { name: a }
spec:
  sysctl: { vm.swappiness: "0", net.ipv4.ip_forward: "1" }
  os: { release: trixie, distro: debian }
`);
    const b = parseSpecYaml(`kind: NodeImage
spec:
  os: { distro: debian, release: trixie }
  sysctl: { net.ipv4.ip_forward: "1", vm.swappiness: "0" }
apiVersion: stamper/v1alpha1
metadata: { name: a }
`);
    if (!a.ok || !b.ok) throw new Error('fixtures must parse');
    expect(await buildKey(a.value)).toBe(await buildKey(b.value));
  });

  it('treats written-out defaults like omitted ones', async () => {
    expect(await keyOf(minimalInput({ disk: { sizeGiB: 20, firmware: 'hybrid' } }))).toBe(await keyOf(minimalInput()));
  });

  it('ignores metadata, which does not change the image', async () => {
    const other = { ...minimalInput(), metadata: { name: 'renamed', description: 'x', labels: { team: 'a' } } };
    expect(await keyOf(other)).toBe(await keyOf(minimalInput()));
  });

  it.each<[string, Partial<NodeImageInput['spec']>]>([
    ['Kubernetes version', { kubernetes: { version: '1.35.4' } }],
    [
      'release',
      { os: { release: 'bookworm' }, runtime: { source: 'upstream', version: '2.1.4', upstream: { url: 'http://127.0.0.1/c.tgz', sha256: 'b'.repeat(64) } } },
    ],
    ['a package', { packages: ['htop'] }],
    ['package order', { packages: ['htop', 'jq'] }],
    ['a sysctl', { sysctl: { 'vm.swappiness': '1' } }],
    ['disk size', { disk: { sizeGiB: 30 } }],
    ['outputs', { outputs: [{ format: 'raw' }] }],
    ['verify', { verify: { enabled: false } }],
  ])('changes when %s changes', async (_what, change) => {
    const base = await keyOf(minimalInput({ packages: ['jq', 'htop'] }));
    const changed = await keyOf(minimalInput({ packages: ['jq', 'htop'], ...change }));
    expect(changed).not.toBe(base);
  });

  it('gives a bare-format spec no targets key, so naming no provider keys the spec as before targets existed', async () => {
    const image = nodeImageSchema.parse(minimalInput({ outputs: [{ format: 'ova' }, { format: 'qcow2' }, { format: 'raw', compression: 'zstd' }] }));
    expect(image.spec.outputs.map((o) => Object.keys(o).includes('targets'))).toEqual([false, false, false]);
    // an empty list is a choice the user wrote, not an absence
    expect(await keyOf(minimalInput({ outputs: [{ format: 'qcow2', targets: [] }] }))).not.toBe(await keyOf(minimalInput({ outputs: [{ format: 'qcow2' }] })));
  });

  it('changes when an output gains a provider target', async () => {
    const bare = await keyOf(minimalInput({ outputs: [{ format: 'qcow2' }] }));
    expect(await keyOf(minimalInput({ outputs: [{ format: 'qcow2', targets: ['openstack'] }] }))).not.toBe(bare);
  });

  it('changes with the pipeline version', async () => {
    const image = nodeImageSchema.parse(minimalInput());
    expect(await buildKey(image, `${PIPELINE_VERSION}-next`)).not.toBe(await buildKey(image));
  });
});
