import { chmod, chown } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { FileSpec, UserSpec } from '../../../src/spec/schema';
import { chrootExec } from '../chroot';
import type { StageContext } from '../stage';
import { writeTreeFile } from '../tree-paths';
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
    if (user.sshAuthorizedKeys.length > 0) await writeAuthorizedKeys(tree, account, user.sshAuthorizedKeys);
    if (user.sudo) await writeTreeFile(tree, `/etc/sudoers.d/90-stamper-${user.name}`, `${user.name} ALL=(ALL) NOPASSWD:ALL\n`, 0o440);
  }
}

/**
 * ~/.ssh/authorized_keys for an account of the image. The home comes from the image's
 * passwd and skel, which packages fill: a `.ssh` link there is refused, not followed,
 * or the keys (and the chown) would land wherever it points on the build host.
 */
export async function writeAuthorizedKeys(tree: string, account: { uid: number; gid: number; home: string }, keys: readonly string[]): Promise<void> {
  const file = await writeTreeFile(tree, `${account.home}/.ssh/authorized_keys`, keys.join('\n') + '\n', 0o600);
  const sshDir = dirname(file);
  await chmod(sshDir, 0o700);
  await chown(sshDir, account.uid, account.gid);
  await chown(file, account.uid, account.gid);
}

export async function applyFiles(tree: string, files: readonly FileSpec[]): Promise<void> {
  for (const file of files) {
    const { uid, gid } = await resolveOwner(tree, file.owner);
    const mode = parseInt(file.mode, 8);
    const target = await writeTreeFile(tree, file.path, file.content, mode & 0o777);
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
