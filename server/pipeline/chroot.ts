import { rm, writeFile, chmod, lstat, readlink, symlink, copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecOptions, ExecResult } from './exec';
import type { StageContext } from './stage';
import { symlinkFreeTreePath, writeTreeFile } from './tree-paths';

/** Sets up the tree's /dev (host null, zero, full, random, urandom, tty; its own devpts and shm) and chroots. */
const CHROOT_RUN = join(import.meta.dirname, 'sandbox', 'chroot-run.sh');

/**
 * Runs a program inside the image tree. `unshare` gives it a private mount and PID
 * namespace with its own /proc, so nothing stays mounted on the host if the build is
 * killed; the same works as host root and as a user namespace's root, where no device
 * node can be made, hence the bound host nodes. The command's arguments stay an array
 * end to end.
 */
export function chrootExec(
  ctx: Pick<StageContext, 'exec'>,
  tree: string,
  command: string,
  args: readonly string[],
  options?: ExecOptions,
): Promise<ExecResult> {
  return ctx.exec(
    'unshare',
    ['--mount', '--pid', '--fork', '--kill-child', `--mount-proc=${join(tree, 'proc')}`, '/bin/sh', CHROOT_RUN, tree, command, ...args],
    {
      ...options,
      env: { DEBIAN_FRONTEND: 'noninteractive', PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...options?.env },
    },
  );
}

/**
 * Prepares the tree for package installs: services must not start inside the build
 * (policy-rc.d), and name resolution uses the host's resolver. Returns the undo step.
 */
export async function prepareTreeForApt(tree: string): Promise<() => Promise<void>> {
  // never through a link a package planted: these are written with the build's privileges
  const policy = await writeTreeFile(tree, '/usr/sbin/policy-rc.d', '#!/bin/sh\nexit 101\n', 0o755);
  await chmod(policy, 0o755);
  const resolv = await symlinkFreeTreePath(tree, '/etc/resolv.conf');
  let previousLink: string | undefined;
  try {
    if ((await lstat(resolv)).isSymbolicLink()) previousLink = await readlink(resolv);
  } catch {
    // no resolv.conf in the tree yet
  }
  await rm(resolv, { force: true });
  await copyFile('/etc/resolv.conf', resolv).catch(() => writeFile(resolv, ''));
  return async () => {
    await rm(policy, { force: true });
    await rm(resolv, { force: true });
    if (previousLink !== undefined) await symlink(previousLink, resolv);
  };
}
