import { describe, expect, it } from 'vitest';
import { nodeImageSchema } from '../../src/spec/schema.ts';
import { assertSpecSourcesAllowed } from './preflight.ts';
import { DEFAULT_SOURCE_POLICY } from './source-policy.ts';

const specWith = (mirror: string, repository: string) =>
  nodeImageSchema.parse({
    apiVersion: 'stamper/v1alpha1',
    kind: 'NodeImage',
    metadata: { name: 'x' },
    spec: { os: { mirror }, kubernetes: { source: { type: 'apt', repository } } },
  }).spec;

describe('the policy check before a build, for sources apt and mmdebstrap fetch themselves', () => {
  it('refuses a metadata address named by the spec', async () => {
    await expect(assertSpecSourcesAllowed(specWith('http://169.254.169.254/debian', 'http://k8s.example/'), DEFAULT_SOURCE_POLICY)).rejects.toThrow(
      'refused by policy: http://169.254.169.254/debian/dists/trixie/InRelease (169.254.169.254 is a link-local address)',
    );
  });

  it('refuses a name that resolves to loopback', async () => {
    await expect(assertSpecSourcesAllowed(specWith('http://mirror.invalid/debian', 'http://localhost:8079/'), DEFAULT_SOURCE_POLICY)).rejects.toThrow(
      /^refused by policy: http:\/\/localhost:8079\/InRelease \(localhost resolves to/,
    );
  });

  it('lets loopback through when the operator allows it, and leaves unresolvable names to the fetch', async () => {
    await expect(
      assertSpecSourcesAllowed(specWith('http://mirror.invalid/debian', 'http://localhost:8079/'), { allowLoopback: true, allowedHosts: null }),
    ).resolves.toBeUndefined();
  });
});

describe('the policy check before a build, for the registry a containerDisk is pushed to', () => {
  const withPush = (reference: string, plainHttp: boolean) =>
    nodeImageSchema.parse({
      apiVersion: 'stamper/v1alpha1',
      kind: 'NodeImage',
      metadata: { name: 'x' },
      spec: {
        os: { mirror: 'http://mirror.invalid/debian' },
        kubernetes: { source: { type: 'apt', repository: 'http://k8s.invalid/' } },
        outputs: [{ format: 'containerdisk', targets: ['kubevirt'], push: { reference, plainHttp } }],
      },
    }).spec;

  it('refuses a loopback or metadata registry before the build spends minutes on the disk', async () => {
    await expect(assertSpecSourcesAllowed(withPush('127.0.0.1:5000/nodes/x', true), DEFAULT_SOURCE_POLICY)).rejects.toThrow(
      /^refused by policy: http:\/\/127\.0\.0\.1:5000\/v2\/ \(127\.0\.0\.1 is a loopback address/,
    );
    await expect(assertSpecSourcesAllowed(withPush('169.254.169.254/nodes/x', false), { allowLoopback: true, allowedHosts: null })).rejects.toThrow(
      'refused by policy: https://169.254.169.254/v2/ (169.254.169.254 is a link-local address)',
    );
  });

  it('holds the registry to the host allowlist like every other source', async () => {
    await expect(
      assertSpecSourcesAllowed(withPush('registry.invalid/nodes/x', false), {
        allowLoopback: false,
        allowedHosts: ['mirror.invalid', 'k8s.invalid'],
      }),
    ).rejects.toThrow('refused by policy: https://registry.invalid/v2/ (registry.invalid is not in STAMPER_SOURCE_HOSTS)');
  });
});
