import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeImageSchema } from '../../../src/spec/schema.ts';
import { minimalInput } from '../../../src/spec/test-specs.ts';
import { testStageContext } from '../../testing/stage-context.ts';
import { treeDir } from '../work-layout.ts';
import { sbomStage } from './sbom.ts';

/** A tree's dpkg database as the rootfs stage leaves it: installed, held and removed-but-configured packages. */
const DPKG_STATUS = `Package: bash
Status: install ok installed
Priority: required
Installed-Size: 7164
Architecture: amd64
Version: 5.2.37-2
Homepage: http://tiswww.case.edu/php/chet/bash/bashtop.html
Description: GNU Bourne Again SHell

Package: kubelet
Status: hold ok installed
Installed-Size: 81234
Architecture: amd64
Version: 1.35.3-1.1
Description: node agent

Package: libcrypt1
Status: install ok installed
Installed-Size: 233
Architecture: amd64
Source: libxcrypt
Version: 1:4.4.38-1
Description: libcrypt shared library

Package: nano
Status: deinstall ok config-files
Installed-Size: 2800
Architecture: amd64
Version: 8.4-1
Description: removed, only its configuration is left
`;

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'stamper-sbom-stage-'));
  const dpkg = join(treeDir(join(root, 'work')), 'var', 'lib', 'dpkg');
  await mkdir(join(dpkg, 'info'), { recursive: true });
  await writeFile(join(dpkg, 'status'), DPKG_STATUS);
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('sbomStage', () => {
  it("lists the tree's installed packages in an SPDX document and registers it as an artifact", async () => {
    const spec = nodeImageSchema.parse(minimalInput());
    const { ctx } = await testStageContext({ spec, stage: 'sbom', workDir: join(root, 'work') });
    await sbomStage.run(ctx);

    const [artifact] = ctx.artifacts.list();
    expect(artifact).toMatchObject({ name: 'workers.spdx.json', format: 'spdx', path: join(ctx.outDir, 'workers.spdx.json') });
    const document = JSON.parse(await readFile(join(ctx.outDir, 'workers.spdx.json'), 'utf8')) as {
      spdxVersion: string;
      packages: { name: string; versionInfo: string; sourceInfo?: string; externalRefs?: { referenceLocator: string }[] }[];
    };
    expect(document.spdxVersion).toBe('SPDX-2.3');
    const packages = document.packages.slice(1);
    expect(packages.map((p) => `${p.name} ${p.versionInfo}`)).toEqual(['bash 5.2.37-2', 'kubelet 1.35.3-1.1', 'libcrypt1 1:4.4.38-1']);
    expect(packages[2]?.sourceInfo).toBe('built from source package libxcrypt');
    expect(packages[0]?.externalRefs?.[0]?.referenceLocator).toBe('pkg:deb/debian/bash@5.2.37-2?arch=amd64&distro=debian-trixie');
  });
});
