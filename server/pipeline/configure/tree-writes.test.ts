import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeTreeFile } from '../tree-paths';
import { writeAuthorizedKeys } from './customizations';
import { sysprep } from './sysprep';

const runningAsRoot = process.getuid?.() === 0;

/** An image tree and, beside it, a directory standing for the build host's own files. */
function makeTree(): { tree: string; host: string } {
  const base = mkdtempSync(join(tmpdir(), 'tree-writes-'));
  const tree = join(base, 'tree');
  const host = join(base, 'host');
  mkdirSync(join(tree, 'etc'), { recursive: true });
  mkdirSync(host);
  writeFileSync(join(host, 'shadow'), 'root:secret\n');
  return { tree, host };
}

/** A host directory with one file in it, and the image path linked to it. */
function linkToHostDir(tree: string, host: string, imagePath: string, name: string): string {
  const target = join(host, name);
  mkdirSync(target);
  writeFileSync(join(target, 'keep'), 'host file\n');
  mkdirSync(join(tree, imagePath, '..'), { recursive: true });
  symlinkSync(target, join(tree, imagePath));
  return join(target, 'keep');
}

describe('sysprep never reaches out of the image through a link', () => {
  it('cleans an ordinary tree as before, leaving links inside it alone', async () => {
    const { tree, host } = makeTree();
    mkdirSync(join(tree, 'etc/ssh'));
    writeFileSync(join(tree, 'etc/ssh/ssh_host_ed25519_key'), 'k');
    writeFileSync(join(tree, 'etc/ssh/sshd_config'), 'c');
    writeFileSync(join(tree, 'etc/machine-id'), '0123456789abcdef\n');
    mkdirSync(join(tree, 'var/log/apt'), { recursive: true });
    writeFileSync(join(tree, 'var/log/apt/history.log'), 'lines\n');
    writeFileSync(join(tree, 'var/log/dpkg.log.1'), 'old\n');
    symlinkSync(join(host, 'shadow'), join(tree, 'var/log/host-link'));
    mkdirSync(join(tree, 'tmp'));
    writeFileSync(join(tree, 'tmp/residue'), 'x');

    await sysprep(tree);

    expect(existsSync(join(tree, 'etc/ssh/ssh_host_ed25519_key'))).toBe(false);
    expect(existsSync(join(tree, 'etc/ssh/sshd_config'))).toBe(true);
    expect(readFileSync(join(tree, 'etc/machine-id'), 'utf8')).toBe('');
    expect(readFileSync(join(tree, 'var/log/apt/history.log'), 'utf8')).toBe('');
    expect(existsSync(join(tree, 'var/log/dpkg.log.1'))).toBe(false);
    expect(existsSync(join(tree, 'tmp/residue'))).toBe(false);
    expect(readFileSync(join(host, 'shadow'), 'utf8')).toBe('root:secret\n');
  });

  it('replaces a machine-id link instead of emptying what it points at', async () => {
    const { tree, host } = makeTree();
    symlinkSync(join(host, 'shadow'), join(tree, 'etc/machine-id'));
    await sysprep(tree);
    expect(readFileSync(join(host, 'shadow'), 'utf8')).toBe('root:secret\n');
    expect(lstatSync(join(tree, 'etc/machine-id')).isFile()).toBe(true);
  });

  // each with a host file the clean-up would take if it followed the link
  it.each([
    ['/var/log', 'syslog'],
    ['/tmp', 'session'],
    ['/var/tmp', 'session'],
    ['/var/lib/apt/lists', 'deb.debian.org_dists_trixie_Release'],
    ['/etc/ssh', 'ssh_host_rsa_key'],
  ])('refuses to clean %s when it is a link, and leaves the host files', async (imagePath, hostFile) => {
    const { tree, host } = makeTree();
    const keep = linkToHostDir(tree, host, imagePath, 'linked');
    const target = join(keep, '..', hostFile);
    writeFileSync(target, 'host data\n');
    await expect(sysprep(tree)).rejects.toThrow(`refusing to clean ${imagePath}: it is a symlink in the image`);
    expect(readFileSync(keep, 'utf8')).toBe('host file\n');
    expect(readFileSync(target, 'utf8')).toBe('host data\n');
  });

  it('refuses a link in a directory above what it removes (/var/lib → the host)', async () => {
    const { tree, host } = makeTree();
    mkdirSync(join(tree, 'var'));
    const keep = linkToHostDir(tree, host, '/var/lib', 'lib');
    mkdirSync(join(keep, '..', 'cloud'));
    writeFileSync(join(keep, '..', 'cloud', 'instance'), 'host cloud-init state\n');
    await expect(sysprep(tree)).rejects.toThrow(/\/var\/lib is a symlink in the image/);
    expect(readFileSync(join(keep, '..', 'cloud', 'instance'), 'utf8')).toBe('host cloud-init state\n');
  });
});

describe('files written for users', () => {
  it('writes sudoers and other files through no link (writeTreeFile)', async () => {
    const { tree, host } = makeTree();
    linkToHostDir(tree, host, '/etc/sudoers.d', 'sudoers.d');
    await expect(writeTreeFile(tree, '/etc/sudoers.d/90-stamper-ops', 'ops ALL=(ALL) NOPASSWD:ALL\n', 0o440)).rejects.toThrow(/\/etc\/sudoers.d is a symlink/);
    expect(existsSync(join(host, 'sudoers.d', '90-stamper-ops'))).toBe(false);
  });

  it.skipIf(!runningAsRoot)('refuses a ~/.ssh link (as a package could ship in skel) and writes no key through it', async () => {
    const { tree, host } = makeTree();
    mkdirSync(join(tree, 'home/ops'), { recursive: true });
    mkdirSync(join(host, 'root-ssh'));
    symlinkSync(join(host, 'root-ssh'), join(tree, 'home/ops/.ssh'));
    await expect(writeAuthorizedKeys(tree, { uid: 1001, gid: 1002, home: '/home/ops' }, ['ssh-ed25519 AAAA spec-author'])).rejects.toThrow(
      /\/home\/ops\/.ssh is a symlink/,
    );
    expect(existsSync(join(host, 'root-ssh', 'authorized_keys'))).toBe(false);
    expect(statSync(join(host, 'root-ssh')).uid).toBe(0);
  });

  it.skipIf(!runningAsRoot)('replaces an authorized_keys link and owns the file and ~/.ssh by the account', async () => {
    const { tree, host } = makeTree();
    mkdirSync(join(tree, 'home/ops/.ssh'), { recursive: true });
    symlinkSync(join(host, 'shadow'), join(tree, 'home/ops/.ssh/authorized_keys'));
    await writeAuthorizedKeys(tree, { uid: 1001, gid: 1002, home: '/home/ops' }, ['ssh-ed25519 AAAA one', 'ssh-ed25519 BBBB two']);
    const keys = join(tree, 'home/ops/.ssh/authorized_keys');
    expect(lstatSync(keys).isFile()).toBe(true);
    expect(readFileSync(keys, 'utf8')).toBe('ssh-ed25519 AAAA one\nssh-ed25519 BBBB two\n');
    expect([statSync(keys).uid, statSync(keys).gid, statSync(keys).mode & 0o777]).toEqual([1001, 1002, 0o600]);
    expect(statSync(join(tree, 'home/ops/.ssh')).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(host, 'shadow'), 'utf8')).toBe('root:secret\n');
    expect(statSync(join(host, 'shadow')).uid).toBe(0);
  });
});
