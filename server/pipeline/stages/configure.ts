import { lstat, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { resolveVersions } from '../../../src/spec/defaults';
import { chrootExec } from '../chroot';
import { readTestImage } from '../kubernetes/stand-in';
import { applyFiles, applyServices, applyUsers } from '../configure/customizations';
import {
  CRICTL_CONFIG,
  DHCP_NETWORK,
  FSTAB,
  REQUIRED_KERNEL_MODULES,
  REQUIRED_SYSCTLS,
  SSH_HOSTKEYS_UNIT,
  renderContainerdConfig,
  renderModulesLoad,
  renderStamperRelease,
  renderSysctlConf,
} from '../configure/node-config';
import { providerGuestFiles } from '../configure/provider-guest';
import { sysprep } from '../configure/sysprep';
import { renderGrubConfig } from '../disk/grub-config';
import { installedVersion } from '../sbom/installed-packages';
import { symlinkFreeTreePath } from '../tree-paths';
import type { Stage, StageContext } from '../stage';
import { treeDir } from '../work-layout';

export const configureStage: Stage = {
  name: 'configure',
  enabled: () => true,
  async run(ctx) {
    const tree = treeDir(ctx.workDir);
    const spec = ctx.spec.spec;
    ctx.progress(5, 'node settings');
    await applyNodeSettings(ctx, tree);
    ctx.progress(40, 'users and groups');
    await applyUsers(ctx, tree, spec.users);
    ctx.progress(60, 'files, sysctls, modules, services');
    await applyFiles(tree, spec.files);
    if (Object.keys(spec.sysctl).length > 0) await put(tree, '/etc/sysctl.d/99-stamper-user.conf', renderSysctlConf(spec.sysctl));
    if (spec.kernelModules.length > 0) await put(tree, '/etc/modules-load.d/stamper-user.conf', renderModulesLoad(spec.kernelModules));
    await put(tree, '/boot/grub/grub.cfg', renderGrubConfig(spec.kernelArgs, await bootFiles(tree)));
    await applyServices(ctx, tree, spec.services);
    ctx.progress(85, 'sysprep');
    await sysprep(tree);
    ctx.progress(100);
  },
};

async function applyNodeSettings(ctx: StageContext, tree: string): Promise<void> {
  const spec = ctx.spec.spec;
  const versions = resolveVersions(spec);
  const containerdVersion = spec.runtime.source === 'upstream' ? (spec.runtime.version ?? '2.0.0') : ((await installedVersion(tree, 'containerd')) ?? '1.7.0');

  await put(tree, '/etc/modules-load.d/kubernetes.conf', renderModulesLoad(REQUIRED_KERNEL_MODULES));
  // 99-kubernetes-cri sorts before 99-stamper-user, so a user's sysctl can override it
  await put(tree, '/etc/sysctl.d/99-kubernetes-cri.conf', renderSysctlConf(REQUIRED_SYSCTLS));
  await put(
    tree,
    '/etc/containerd/config.toml',
    renderContainerdConfig({ containerdVersion, systemdCgroup: spec.runtime.systemdCgroup, pauseImage: versions.pauseImage }),
  );
  await put(tree, '/etc/crictl.yaml', CRICTL_CONFIG);
  for (const file of await providerGuestFiles(tree, spec)) await put(tree, file.path, file.content);
  // no swap entry: kubelet refuses to run with swap on
  await put(tree, '/etc/fstab', FSTAB);
  await mkdir(join(tree, 'boot/efi'), { recursive: true });
  await put(tree, '/etc/hostname', 'localhost\n');
  await put(tree, '/etc/hosts', '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n');
  await put(tree, '/etc/systemd/network/90-stamper-dhcp.network', DHCP_NETWORK);
  await put(tree, '/etc/systemd/system/stamper-ssh-hostkeys.service', SSH_HOSTKEYS_UNIT);
  await put(
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
  // kubelet is enabled but not started here: it waits for kubeadm to write its config
  await chrootExec(ctx, tree, 'systemctl', ['enable', 'kubelet.service', 'containerd.service', 'systemd-networkd.service', 'stamper-ssh-hostkeys.service']);
}

async function put(tree: string, imagePath: string, content: string): Promise<void> {
  const target = await symlinkFreeTreePath(tree, imagePath);
  await mkdir(dirname(target), { recursive: true });
  // replace symlinks (e.g. a packaged link) instead of writing through them
  if (
    await lstat(target).then(
      (s) => s.isSymbolicLink(),
      () => false,
    )
  )
    await rm(target);
  await writeFile(target, content);
}

async function bootFiles(tree: string): Promise<{ kernel: string; initrd: string }> {
  const inRoot = await lstat(join(tree, 'vmlinuz')).then(
    () => true,
    () => false,
  );
  return inRoot ? { kernel: '/vmlinuz', initrd: '/initrd.img' } : { kernel: '/boot/vmlinuz', initrd: '/boot/initrd.img' };
}
