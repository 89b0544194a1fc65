import { chmod, copyFile, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { resolveVersions } from '../../../src/spec/defaults';
import { chrootExec, prepareTreeForApt } from '../chroot';
import { downloadVerified, fetchBytes } from '../download';
import {
  HELD_PACKAGES,
  KUBERNETES_KEYRING_PATH,
  KUBERNETES_SOURCE_PATH,
  isArmoredKey,
  kubernetesPackagePins,
  renderKubernetesAptSource,
} from '../kubernetes/apt-source';
import { KUBEADM_DROPIN, KUBELET_SERVICE } from '../kubernetes/binary-units';
import { recordTestImage, standInReason } from '../kubernetes/stand-in';
import { recordKubernetesInputs } from '../record-inputs';
import { TEST_IMAGE_NOTICE } from '../../../src/spec/build-events';
import type { Stage, StageContext } from '../stage';
import { treeDir } from '../work-layout';

export const kubernetesStage: Stage = {
  name: 'kubernetes',
  enabled: () => true,
  async run(ctx) {
    const tree = treeDir(ctx.workDir);
    await recordKubernetesInputs(ctx);
    const restore = await prepareTreeForApt(tree);
    try {
      if (ctx.spec.spec.kubernetes.source.type === 'apt') await installFromApt(ctx, tree);
      else await installFromBinaries(ctx, tree);
    } finally {
      await restore();
    }
  },
};

async function installFromApt(ctx: StageContext, tree: string): Promise<void> {
  const versions = resolveVersions(ctx.spec.spec);
  if (!versions.aptRepository || !versions.aptSigningKeyUrl) throw new Error('apt source without a repository');
  ctx.progress(5, `fetching signing key ${versions.aptSigningKeyUrl}`);
  const key = await fetchBytes(versions.aptSigningKeyUrl, ctx.signal);
  const keyring = join(tree, KUBERNETES_KEYRING_PATH);
  await mkdir(dirname(keyring), { recursive: true });
  if (isArmoredKey(key)) {
    const keyFile = join(ctx.stageDir, 'Release.key');
    await writeFile(keyFile, key);
    await ctx.exec('gpg', ['--batch', '--yes', '--dearmor', '--output', keyring, keyFile]);
  } else {
    await writeFile(keyring, key);
  }
  await chmod(keyring, 0o644);
  await writeFile(join(tree, KUBERNETES_SOURCE_PATH), renderKubernetesAptSource(versions.aptRepository));

  ctx.progress(15, 'updating package lists');
  await chrootExec(ctx, tree, 'apt-get', ['update', '-o', 'Acquire::Retries=3']);
  ctx.progress(40, `installing Kubernetes ${versions.kubernetes}`);
  await chrootExec(ctx, tree, 'apt-get', [
    'install',
    '-y',
    '--no-install-recommends',
    '-o',
    'Dpkg::Options::=--force-confold',
    ...kubernetesPackagePins(versions),
  ]);
  ctx.progress(90, 'holding Kubernetes packages');
  await chrootExec(ctx, tree, 'apt-mark', ['hold', ...HELD_PACKAGES]);
  const standIn = await standInReason(tree);
  if (standIn) {
    await recordTestImage(ctx.workDir, standIn);
    ctx.log(`${TEST_IMAGE_NOTICE} (${standIn})`, 'info');
    ctx.markTestImage(standIn);
  }
  ctx.progress(100);
}

async function installFromBinaries(ctx: StageContext, tree: string): Promise<void> {
  const source = ctx.spec.spec.kubernetes.source;
  if (source.type !== 'binaries') return;
  const base = source.baseUrl.replace(/\/+$/, '');
  const names = ['kubelet', 'kubeadm', 'kubectl', 'crictl'] as const;
  let done = 0;
  for (const name of names) {
    ctx.progress(5 + done * 20, `downloading ${name}`);
    const file = await downloadVerified(`${base}/${name}`, source.sha256[name], ctx.cacheDir, ctx.signal);
    const target = join(tree, 'usr/bin', name);
    await copyFile(file, target);
    await chmod(target, 0o755);
    done += 1;
  }
  await writeFile(join(tree, 'lib/systemd/system/kubelet.service'), KUBELET_SERVICE);
  await mkdir(join(tree, 'lib/systemd/system/kubelet.service.d'), { recursive: true });
  await writeFile(join(tree, 'lib/systemd/system/kubelet.service.d/10-kubeadm.conf'), KUBEADM_DROPIN);
  // kubelet and containerd look for CNI plugins in /opt/cni/bin; Debian installs them in /usr/lib/cni
  await mkdir(join(tree, 'opt/cni'), { recursive: true });
  await rm(join(tree, 'opt/cni/bin'), { recursive: true, force: true });
  await symlink('/usr/lib/cni', join(tree, 'opt/cni/bin'));
  ctx.progress(100);
}
