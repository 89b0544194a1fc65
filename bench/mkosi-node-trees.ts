import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { resolveVersions } from '../src/spec/defaults';
import { UPSTREAM_CONTAINERD_UNIT_PATH, containerdVersionFor } from '../src/spec/node-definition';
import { nodeSettingsFiles, runtimeNodeFiles } from '../src/spec/node-files';
import { kubernetesPackagePins } from '../src/spec/node-kubernetes';
import type { NodeImageSpec } from '../src/spec/schema';
import { runProcess } from '../server/pipeline/exec';
import { rootfsPackages } from '../server/pipeline/rootfs/package-set';
import { writeNodeFiles } from '../server/pipeline/tree-files';

/**
 * The node Stamper builds for `spec`, handed to mkosi: Stamper's OS package set plus the
 * Kubernetes packages at the same pins from the same apt repository (its source entry and
 * key in the skeleton tree, so mkosi's apt run sees them), and in the extra tree the node
 * settings (modules, sysctls, containerd and crictl config) and, for an upstream runtime,
 * the same containerd tarball unpacked to /usr/local with its unit enabled. What mkosi
 * does not get: Stamper's configure steps beyond those files (users, sysprep, cloud-init
 * datasources, package holds) and its boot check.
 */
export interface MkosiNodeInput {
  packages: string[];
  skeletonTree: string;
  extraTree: string;
}

export async function mkosiNodeTrees(dir: string, spec: NodeImageSpec, containerdTarball?: string): Promise<MkosiNodeInput> {
  if (spec.kubernetes.source.type !== 'apt') throw new Error('the mkosi peer installs Kubernetes from an apt repository');
  const versions = resolveVersions(spec);
  if (!versions.aptRepository || !versions.aptSigningKeyUrl) throw new Error('apt source without a repository');
  await rm(dir, { recursive: true, force: true });

  const skeletonTree = join(dir, 'skeleton');
  const key = await fetch(versions.aptSigningKeyUrl);
  if (!key.ok) throw new Error(`${versions.aptSigningKeyUrl}: HTTP ${key.status}`);
  // apt runs on the host with Dir= the tree: a key under trusted.gpg.d is found there, a signed-by path would not be
  await mkdir(join(skeletonTree, 'etc/apt/trusted.gpg.d'), { recursive: true });
  await writeFile(join(skeletonTree, 'etc/apt/trusted.gpg.d/kubernetes.asc'), await key.text());
  await mkdir(join(skeletonTree, 'etc/apt/sources.list.d'), { recursive: true });
  await writeFile(join(skeletonTree, 'etc/apt/sources.list.d/kubernetes.list'), `deb ${versions.aptRepository.replace(/\/?$/, '/')} /\n`);

  const extraTree = join(dir, 'extra');
  await mkdir(extraTree, { recursive: true });
  await writeNodeFiles(extraTree, [...runtimeNodeFiles(spec), ...nodeSettingsFiles(spec, { containerdVersion: containerdVersionFor(spec) })]);
  if (spec.runtime.source === 'upstream') {
    if (!containerdTarball) throw new Error('an upstream runtime needs the containerd tarball');
    await mkdir(join(extraTree, 'usr/local'), { recursive: true });
    await runProcess('tar', ['-xzf', containerdTarball, '-C', join(extraTree, 'usr/local'), '--no-same-owner', 'bin']);
    const wants = join(extraTree, 'etc/systemd/system/multi-user.target.wants/containerd.service');
    await mkdir(dirname(wants), { recursive: true });
    await symlink(UPSTREAM_CONTAINERD_UNIT_PATH, wants);
  }

  // mkosi brings dracut for its initrd, which conflicts with initramfs-tools, and boots with systemd-boot
  const packages = [...rootfsPackages(spec).filter((p) => p !== 'initramfs-tools'), 'systemd-boot', ...kubernetesPackagePins(versions)];
  return { packages, skeletonTree, extraTree };
}
