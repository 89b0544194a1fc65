import { mkdir, rm, symlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UPSTREAM_CONTAINERD_UNIT_PATH } from '../../../src/spec/node-definition';
import { runtimeNodeFiles } from '../../../src/spec/node-files';
import type { NodeImageSpec } from '../../../src/spec/schema';
import { downloadVerified } from '../download';
import type { StageContext } from '../stage';
import { writeNodeFiles } from '../tree-files';
import { copyIntoTree, symlinkFreeTreePath } from '../tree-paths';

/**
 * Installs containerd (and optionally runc) from upstream release artifacts, for
 * Kubernetes versions that need a newer containerd than the distro ships.
 */
export async function installUpstreamRuntime(ctx: StageContext, tree: string, runtime: NodeImageSpec['runtime']): Promise<void> {
  const upstream = runtime.upstream;
  if (!upstream) throw new Error('runtime source "upstream" needs runtime.upstream');
  ctx.log(`downloading containerd ${runtime.version ?? ''} from ${upstream.url}`, 'info');
  const tarball = await downloadVerified(upstream.url, upstream.sha256, ctx, ctx.signal);
  // a link a package planted at /usr/local would aim the extraction at the build host
  const local = await symlinkFreeTreePath(tree, '/usr/local');
  await mkdir(local, { recursive: true });
  // the release layout is bin/<binaries>; --no-same-owner keeps root ownership inside the image
  await ctx.exec('tar', ['-xzf', tarball, '-C', local, '--no-same-owner', 'bin']);
  if (upstream.runcUrl && upstream.runcSha256) {
    const runc = await downloadVerified(upstream.runcUrl, upstream.runcSha256, ctx, ctx.signal);
    await copyIntoTree(tree, '/usr/local/sbin/runc', runc, 0o755);
  }
  await writeNodeFiles(tree, runtimeNodeFiles({ ...ctx.spec.spec, runtime }));
  const wants = await symlinkFreeTreePath(tree, '/etc/systemd/system/multi-user.target.wants/containerd.service');
  await mkdir(dirname(wants), { recursive: true });
  await rm(wants, { force: true });
  await symlink(UPSTREAM_CONTAINERD_UNIT_PATH, wants);
}
