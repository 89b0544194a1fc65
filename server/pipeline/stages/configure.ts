import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveVersions } from '../../../src/spec/defaults';
import { containerdVersionFor } from '../../../src/spec/node-definition';
import { chrootExec } from '../chroot';
import { readTestImage } from '../kubernetes/stand-in';
import { applyFiles, applyServices, applyUsers } from '../configure/customizations';
import { NATIVE_SERVICES, renderStamperRelease, writeNodeSettings } from '../configure/node-config';
import { sysprep } from '../configure/sysprep';
import { renderGrubConfig } from '../disk/grub-config';
import { installedVersion } from '../sbom/installed-packages';
import { writeTreeFile } from '../tree-paths';
import type { Stage, StageContext } from '../stage';
import { treeDir } from '../work-layout';

export const configureStage: Stage = {
  name: 'configure',
  async run(ctx) {
    const tree = treeDir(ctx.workDir);
    const spec = ctx.spec.spec;
    ctx.progress(5, 'node settings');
    await applyNodeSettings(ctx, tree);
    ctx.progress(40, 'users and groups');
    await applyUsers(ctx, tree, spec.users);
    ctx.progress(60, 'files and services');
    await applyFiles(tree, spec.files);
    await writeTreeFile(tree, '/boot/grub/grub.cfg', renderGrubConfig(spec.kernelArgs, await bootFiles(tree)));
    await applyServices(ctx, tree, spec.services);
    ctx.progress(85, 'sysprep');
    await sysprep(tree);
    ctx.progress(100);
  },
};

async function applyNodeSettings(ctx: StageContext, tree: string): Promise<void> {
  const spec = ctx.spec.spec;
  const versions = resolveVersions(spec);
  const containerdVersion = containerdVersionFor(spec, await installedVersion(tree, 'containerd'));
  // the spec's own sysctls and modules are part of these files, so the export writes them alike
  await writeNodeSettings(tree, spec, { containerdVersion });
  await writeTreeFile(
    tree,
    '/etc/stamper-release',
    renderStamperRelease({
      buildKey: ctx.buildKey,
      specName: ctx.spec.metadata.name,
      os: `${spec.os.distro} ${spec.os.release}`,
      kubernetesVersion: versions.kubernetes,
      containerdVersion,
      buildDate: new Date().toISOString(),
      testImage: await readTestImage(ctx.workDir),
    }),
  );
  await chrootExec(ctx, tree, 'systemctl', ['enable', ...NATIVE_SERVICES]);
}

async function bootFiles(tree: string): Promise<{ kernel: string; initrd: string }> {
  const inRoot = await lstat(join(tree, 'vmlinuz')).then(
    () => true,
    () => false,
  );
  return inRoot ? { kernel: '/vmlinuz', initrd: '/initrd.img' } : { kernel: '/boot/vmlinuz', initrd: '/boot/initrd.img' };
}
