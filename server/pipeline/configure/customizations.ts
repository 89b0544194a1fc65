import { chmod, chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FileSpec, UserSpec } from '../../../src/spec/schema';
import { chrootExec } from '../chroot';
import type { StageContext } from '../stage';
import { symlinkFreeTreePath } from '../tree-paths';
import { readTreeAccounts, resolveOwner } from './tree-accounts';

/**
 * Users are created with the image's own useradd (so /etc/shadow, skel and subuid are
 * right); every value is one argv element, and key files are written from Node.
 */
export async function applyUsers(ctx: StageContext, tree: string, users: readonly UserSpec[]): Promise<void> {
  const existingGroups = (await readTreeAccounts(tree)).groups;
  for (const user of users) {
    for (const group of user.groups) {
      if (!existingGroups.has(group)) {
        await chrootExec(ctx, tree, 'groupadd', [group]);
        existingGroups.set(group, -1);
      }
    }
    const args = ['--create-home', '--shell', user.shell, '--user-group'];
    if (user.groups.length > 0) args.push('--groups', user.groups.join(','));
    await chrootExec(ctx, tree, 'useradd', [...args, user.name]);
    if (user.passwordHash) await chrootExec(ctx, tree, 'usermod', ['--password', user.passwordHash, user.name]);
    else await chrootExec(ctx, tree, 'passwd', ['--lock', user.name]);

    const account = (await readTreeAccounts(tree)).users.get(user.name);
    if (!account) throw new Error(`useradd did not create ${user.name}`);
    if (user.sshAuthorizedKeys.length > 0) {
      const sshDir = await symlinkFreeTreePath(tree, `${account.home}/.ssh`);
      await mkdir(sshDir, { recursive: true, mode: 0o700 });
      const keys = join(sshDir, 'authorized_keys');
      await writeFile(keys, user.sshAuthorizedKeys.join('\n') + '\n', { mode: 0o600 });
      await chmod(sshDir, 0o700);
      await chown(sshDir, account.uid, account.gid);
      await chown(keys, account.uid, account.gid);
    }
    if (user.sudo) {
      const sudoers = join(tree, 'etc/sudoers.d', `90-stamper-${user.name}`);
      await mkdir(dirname(sudoers), { recursive: true });
      await writeFile(sudoers, `${user.name} ALL=(ALL) NOPASSWD:ALL\n`, { mode: 0o440 });
    }
  }
}

export async function applyFiles(tree: string, files: readonly FileSpec[]): Promise<void> {
  for (const file of files) {
    const target = await symlinkFreeTreePath(tree, file.path);
    const { uid, gid } = await resolveOwner(tree, file.owner);
    await mkdir(dirname(target), { recursive: true });
    // a link at the last component is replaced, never written through
    await rm(target, { force: true });
    const mode = parseInt(file.mode, 8);
    await writeFile(target, file.content, { mode: mode & 0o777 });
    // chown clears setuid/setgid, so the full mode (and the umask-filtered bits) comes after it
    await chown(target, uid, gid);
    await chmod(target, mode);
  }
}

/** `systemctl enable/disable` work offline in a chroot: they only edit symlinks. */
export async function applyServices(ctx: StageContext, tree: string, services: { enable: readonly string[]; disable: readonly string[] }): Promise<void> {
  if (services.enable.length > 0) await chrootExec(ctx, tree, 'systemctl', ['enable', ...services.enable]);
  if (services.disable.length > 0) await chrootExec(ctx, tree, 'systemctl', ['disable', ...services.disable]);
}
