import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { nodeImageSchema } from '../../src/spec/schema.ts';
import { minimalInput } from '../../src/spec/test-specs.ts';
import { DROP_IN_MANIFESTS_DIR, writeDropInManifestFiles } from './drop-in-manifest-files.ts';

describe('writeDropInManifestFiles', () => {
  let out: string;
  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'stamper-cli-manifests-'));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  const image = nodeImageSchema.parse(minimalInput({ outputs: [{ format: 'ova' }, { format: 'qcow2' }] }));
  const artifact = (name: string, format: string) => ({ name, format, sha256: 'cd'.repeat(32), sizeBytes: 10 });

  it('writes one YAML file per provider the outputs serve, with the notes as comments and URLs under a variable', async () => {
    const files = await writeDropInManifestFiles(out, {
      buildKey: 'f'.repeat(64),
      image,
      artifacts: [artifact(`${image.metadata.name}.ova`, 'ova'), artifact(`${image.metadata.name}.qcow2`, 'qcow2')],
      published: [],
    });
    expect((await readdir(join(out, DROP_IN_MANIFESTS_DIR))).sort()).toEqual(['openstack.yaml', 'proxmox.yaml', 'vsphere.yaml']);
    expect(files).toHaveLength(3);
    const openstack = await readFile(join(out, DROP_IN_MANIFESTS_DIR, 'openstack.yaml'), 'utf8');
    expect(openstack.startsWith('# NOTE: ')).toBe(true);
    const docs = parseAllDocuments(openstack).map((d) => d.toJS() as { kind: string; spec: { resource?: { content: { download: { url: string } } } } });
    expect(docs.map((d) => d.kind)).toEqual(['Image', 'OpenStackMachineTemplate']);
    expect(docs[0]?.spec.resource?.content.download.url).toBe(`\${STAMPER_ARTIFACT_BASE_URL}/${image.metadata.name}.qcow2`);
  });

  it('writes nothing for a build no provider snippet applies to', async () => {
    const raw = nodeImageSchema.parse(minimalInput({ outputs: [{ format: 'raw' }] }));
    const other = await mkdtemp(join(tmpdir(), 'stamper-cli-manifests-raw-'));
    expect(await writeDropInManifestFiles(other, { buildKey: 'e'.repeat(64), image: raw, artifacts: [artifact('x.raw', 'raw')], published: [] })).toEqual([]);
    expect(await readdir(other)).toEqual([]);
    await rm(other, { recursive: true, force: true });
  });
});
