import { mkdir, rm, symlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { NodeImageSpec } from '../../../src/spec/schema';
import { downloadVerified } from '../download';
import type { StageContext } from '../stage';
import { copyIntoTree, symlinkFreeTreePath, writeTreeFile } from '../tree-paths';

/** containerd's own systemd unit from its repository, pointing at the /usr/local install. */
export const UPSTREAM_CONTAINERD_UNIT = `[Unit]
Description=containerd container runtime
Documentation=https://containerd.io
After=network.target local-fs.target dbus.service

[Service]
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/local/bin/containerd
Type=notify
Delegate=yes
KillMode=process
Restart=always
RestartSec=5
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
OOMScoreAdjust=-999

[Install]
WantedBy=multi-user.target
`;

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
  await writeTreeFile(tree, '/etc/systemd/system/containerd.service', UPSTREAM_CONTAINERD_UNIT);
  const wants = await symlinkFreeTreePath(tree, '/etc/systemd/system/multi-user.target.wants/containerd.service');
  await mkdir(dirname(wants), { recursive: true });
  await rm(wants, { force: true });
  await symlink('/etc/systemd/system/containerd.service', wants);
}
