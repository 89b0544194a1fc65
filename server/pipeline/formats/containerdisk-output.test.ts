import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeImageSchema } from '../../../src/spec/schema';
import { minimalInput } from '../../../src/spec/test-specs';
import { type TestRegistry, registryAvailable, startTestRegistry } from '../../testing/oci-registry';
import { makeTinyRootDisk } from '../../testing/tiny-root-disk';
import { createArtifactRegistry } from '../artifact-registry';
import type { ArtifactInfo, PublishedImage } from '../events';
import { runProcess } from '../exec';
import type { StageContext } from '../stage';
import { rawDiskPath } from '../work-layout';
import { registryCredentialsFromEnv, writeContainerDiskOutput } from './containerdisk-output';
import { OCI_MANIFEST } from './oci/oci-layout';

/** The formats-stage entry on a real (tiny) raw disk, with real qemu-img, tar and registry. */
const available = await registryAvailable();
if (!available) console.warn('containerdisk push test skipped: docker-registry is missing (apt-get install -y docker-registry)');

describe('writeContainerDiskOutput', () => {
  let workDir: string;
  let registry: TestRegistry | null = null;
  const artifacts: ArtifactInfo[] = [];
  const logs: string[] = [];
  const published: PublishedImage[] = [];
  const spec = nodeImageSchema.parse(minimalInput({ kubernetes: { version: '1.35.3', source: { type: 'apt' } } }));

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'stamper-containerdisk-output-'));
    await mkdir(join(workDir, 'tiny'));
    const { disk } = await makeTinyRootDisk(join(workDir, 'tiny'));
    await runProcess('mv', [disk, rawDiskPath(workDir)]);
    await mkdir(join(workDir, 'out'));
    await mkdir(join(workDir, 'stages', 'formats'), { recursive: true });
    if (available) registry = await startTestRegistry(join(workDir, 'registry'));
  });
  afterAll(async () => {
    await registry?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  const context = (): StageContext => ({
    spec,
    buildKey: 'b'.repeat(64),
    workDir,
    stageDir: join(workDir, 'stages', 'formats'),
    outDir: join(workDir, 'out'),
    cacheDir: join(workDir, 'cache'),
    cacheOutDir: join(workDir, 'cache'),
    signal: new AbortController().signal,
    log: (line) => logs.push(line),
    progress: () => undefined,
    exec: (command, args, options) => runProcess(command, args, options),
    artifacts: createArtifactRegistry((a) => artifacts.push(a)),
    recordCheck: () => undefined,
    markTestImage: () => undefined,
    published: (image) => published.push(image),
    recordInputs: () => undefined,
    signer: { sign: () => Promise.reject(new Error('the formats stage does not sign')) },
  });

  it('writes the oci-archive artifact, tagged with the Kubernetes version, and pushes when a registry is given', async (ctx) => {
    if (!registry) ctx.skip('docker-registry is not installed');
    const host = registry?.host ?? '';
    const pushed = await writeContainerDiskOutput(
      context(),
      { push: { reference: `${host}/nodes/${spec.metadata.name}`, plainHttp: true } },
      { allowLoopback: true, allowedHosts: null },
    );
    expect(artifacts).toEqual([expect.objectContaining({ name: `${spec.metadata.name}.containerdisk.oci.tar`, format: 'containerdisk' })]);
    expect(pushed?.reference).toBe(`${host}/nodes/${spec.metadata.name}:v1.35.3`);
    // the build records the push: the build page and the KubeVirt snippet read it from there
    expect(published).toEqual([{ provider: 'kubevirt', reference: `${host}/nodes/${spec.metadata.name}:v1.35.3`, digest: pushed?.digest }]);
    const manifest = await fetch(`http://${host}/v2/nodes/${spec.metadata.name}/manifests/v1.35.3`, { headers: { accept: OCI_MANIFEST } });
    expect(manifest.headers.get('docker-content-digest')).toBe(pushed?.digest);
    expect(logs.some((l) => l.includes(`@${pushed?.digest ?? ''}`))).toBe(true);
    const inspect = await runProcess('skopeo', ['inspect', `oci-archive:${join(workDir, 'out', `${spec.metadata.name}.containerdisk.oci.tar`)}:v1.35.3`], {
      captureStdout: true,
      quiet: true,
    });
    expect((JSON.parse(inspect.stdout) as { Digest: string }).Digest).toBe(pushed?.digest);
  });

  it('reads registry credentials from the environment only for the registry host they are bound to', () => {
    const env = { STAMPER_REGISTRY_USERNAME: 'u', STAMPER_REGISTRY_PASSWORD: 'p', STAMPER_REGISTRY_HOST: 'Registry.example:5000' };
    expect(registryCredentialsFromEnv('registry.example:5000', env)).toEqual({ username: 'u', password: 'p' });
    expect(registryCredentialsFromEnv('elsewhere.example', env)).toBeUndefined();
    expect(registryCredentialsFromEnv('registry.example', env)).toBeUndefined();
    expect(registryCredentialsFromEnv('registry.example:5000', { ...env, STAMPER_REGISTRY_HOST: undefined })).toBeUndefined();
    expect(registryCredentialsFromEnv('registry.example:5000', { ...env, STAMPER_REGISTRY_PASSWORD: undefined })).toBeUndefined();
  });
});
