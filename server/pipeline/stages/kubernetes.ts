import { chmod, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { resolveVersions } from '../../../src/spec/defaults';
import { chrootExec, prepareTreeForApt } from '../chroot';
import { downloadVerified, fetchBytes } from '../download';
import { kubernetesNodeFiles } from '../../../src/spec/node-files';
import {
  CNI_PLUGINS_DIR,
  HELD_PACKAGES,
  KUBERNETES_BINARIES,
  KUBERNETES_BINARY_DIR,
  KUBERNETES_KEYRING_PATH,
  kubernetesPackagePins,
} from '../../../src/spec/node-kubernetes';
import { isArmoredKey } from '../kubernetes/apt-source';
import { recordTestImage, standInBinariesReason, standInReason } from '../kubernetes/stand-in';
import { recordKubernetesInputs } from '../record-inputs';
import { TEST_IMAGE_NOTICE } from '../../../src/spec/build-events';
import type { Stage, StageContext } from '../stage';
import { writeNodeFiles } from '../tree-files';
import { copyIntoTree, symlinkFreeTreePath, writeTreeFile } from '../tree-paths';
import { treeDir } from '../work-layout';

export const kubernetesStage: Stage = {
  name: 'kubernetes',
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
  // gpg writes in the stage's own directory; only writeTreeFile writes into the image
  let keyring = key;
  if (isArmoredKey(key)) {
    const keyFile = join(ctx.stageDir, 'Release.key');
    const dearmored = join(ctx.stageDir, 'kubernetes-apt-keyring.gpg');
    await writeFile(keyFile, key);
    await ctx.exec('gpg', ['--batch', '--yes', '--dearmor', '--output', dearmored, keyFile]);
    keyring = await readFile(dearmored);
  }
  // readable by apt's unprivileged _apt user whatever the umask
  await chmod(await writeTreeFile(tree, KUBERNETES_KEYRING_PATH, keyring), 0o644);
  await writeNodeFiles(tree, kubernetesNodeFiles(ctx.spec.spec));

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
  await markIfTestImage(ctx, await standInReason(tree));
  ctx.progress(100);
}

/** The record, the log and (through the work dir) the release file and boot check all say so. */
async function markIfTestImage(ctx: StageContext, reason: string | null): Promise<void> {
  if (!reason) return;
  await recordTestImage(ctx.workDir, reason);
  ctx.log(`${TEST_IMAGE_NOTICE} (${reason})`, 'info');
  ctx.markTestImage(reason);
}

async function installFromBinaries(ctx: StageContext, tree: string): Promise<void> {
  const source = ctx.spec.spec.kubernetes.source;
  if (source.type !== 'binaries') return;
  const base = source.baseUrl.replace(/\/+$/, '');
  let done = 0;
  const installed: Record<string, string> = {};
  for (const name of KUBERNETES_BINARIES) {
    ctx.progress(5 + done * 20, `downloading ${name}`);
    const file = await downloadVerified(`${base}/${name}`, source.sha256[name], ctx, ctx.signal);
    installed[name] = await copyIntoTree(tree, `${KUBERNETES_BINARY_DIR}/${name}`, file, 0o755);
    done += 1;
  }
  // a checksum proves the file is the one asked for, not that it is Kubernetes
  await markIfTestImage(ctx, await standInBinariesReason(installed, `${base}/`));
  await writeNodeFiles(tree, kubernetesNodeFiles(ctx.spec.spec));
  // kubelet and containerd look for CNI plugins in /opt/cni/bin; Debian installs them in /usr/lib/cni
  const cniBin = await symlinkFreeTreePath(tree, '/opt/cni/bin');
  await mkdir(dirname(cniBin), { recursive: true });
  await rm(cniBin, { recursive: true, force: true });
  await symlink(CNI_PLUGINS_DIR, cniBin);
  ctx.progress(100);
}
