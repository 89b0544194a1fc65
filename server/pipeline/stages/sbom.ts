import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listInstalledPackages } from '../sbom/installed-packages';
import { renderSpdx } from '../sbom/spdx';
import type { Stage } from '../stage';
import { treeDir } from '../work-layout';

export const sbomStage: Stage = {
  name: 'sbom',
  async run(ctx) {
    const packages = await listInstalledPackages(treeDir(ctx.workDir), ctx.signal);
    ctx.log(`${packages.length} packages installed`, 'info');
    const document = renderSpdx({
      imageName: ctx.spec.metadata.name,
      buildKey: ctx.buildKey,
      distro: ctx.spec.spec.os.distro,
      release: ctx.spec.spec.os.release,
      created: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      packages,
    });
    const path = join(ctx.outDir, `${ctx.spec.metadata.name}.spdx.json`);
    await writeFile(path, JSON.stringify(document, null, 2) + '\n');
    await ctx.artifacts.add({ name: `${ctx.spec.metadata.name}.spdx.json`, format: 'spdx', path });
    ctx.progress(100);
  },
};
