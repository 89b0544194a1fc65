import { lstatSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyIntoTree, symlinkFreeTreeDir, symlinkFreeTreePath, writeTreeFile } from './tree-paths';

describe('symlinkFreeTreePath', () => {
  const tree = mkdtempSync(join(tmpdir(), 'tree-'));
  mkdirSync(join(tree, 'usr/bin'), { recursive: true });
  mkdirSync(join(tree, 'etc'), { recursive: true });
  symlinkSync('usr/bin', join(tree, 'bin'));
  symlinkSync('/etc', join(tree, 'etc/escape'));
  symlinkSync('/run/systemd/resolve/stub-resolv.conf', join(tree, 'etc/resolv.conf'));

  it('maps a plain path, also one whose directories do not exist yet', async () => {
    expect(await symlinkFreeTreePath(tree, '/etc/new/dir/file')).toBe(join(tree, 'etc/new/dir/file'));
  });

  it('refuses a link in any directory, relative or absolute', async () => {
    await expect(symlinkFreeTreePath(tree, '/bin/tool')).rejects.toThrow(/\/bin is a symlink in the image \(to usr\/bin\)/);
    await expect(symlinkFreeTreePath(tree, '/etc/escape/passwd')).rejects.toThrow(/\/etc\/escape is a symlink/);
  });

  it('leaves a link at the last component to the caller, which replaces it', async () => {
    expect(await symlinkFreeTreePath(tree, '/etc/resolv.conf')).toBe(join(tree, 'etc/resolv.conf'));
  });

  it('refuses paths that climb with ..', async () => {
    await expect(symlinkFreeTreePath(tree, '/../../../etc/shadow')).rejects.toThrow(/not a normalized/);
  });
});

describe('writes into the image tree', () => {
  function treeWithHost() {
    const base = mkdtempSync(join(tmpdir(), 'tree-write-'));
    const tree = join(base, 'tree');
    const host = join(base, 'host');
    mkdirSync(join(tree, 'etc/apt'), { recursive: true });
    mkdirSync(join(tree, 'usr/lib'), { recursive: true });
    mkdirSync(host);
    writeFileSync(join(host, 'shadow'), 'root:secret\n');
    symlinkSync('usr/lib', join(tree, 'lib'));
    symlinkSync(host, join(tree, 'etc/apt/sources.list.d'));
    return { tree, host };
  }

  it('refuses a link in any directory of the path, relative (merged /usr) or out of the tree', async () => {
    const { tree, host } = treeWithHost();
    await expect(writeTreeFile(tree, '/etc/apt/sources.list.d/kubernetes.list', 'deb x')).rejects.toThrow(/\/etc\/apt\/sources.list.d is a symlink/);
    await expect(writeTreeFile(tree, '/lib/systemd/system/kubelet.service', '[Unit]')).rejects.toThrow(/\/lib is a symlink/);
    const hostFile = join(host, 'kubelet');
    writeFileSync(hostFile, 'binary');
    await expect(copyIntoTree(tree, '/etc/apt/sources.list.d/kubelet', hostFile, 0o755)).rejects.toThrow(/is a symlink/);
    expect(readFileSync(join(host, 'shadow'), 'utf8')).toBe('root:secret\n');
  });

  it('replaces a link at the last component, with bytes or a copied file, and creates missing directories', async () => {
    const { tree, host } = treeWithHost();
    symlinkSync(join(host, 'shadow'), join(tree, 'etc/apt/trusted.gpg'));
    await writeTreeFile(tree, '/etc/apt/trusted.gpg', new Uint8Array([1, 2, 3]));
    expect(lstatSync(join(tree, 'etc/apt/trusted.gpg')).isFile()).toBe(true);
    expect([...readFileSync(join(tree, 'etc/apt/trusted.gpg'))]).toEqual([1, 2, 3]);

    const hostFile = join(host, 'kubelet');
    writeFileSync(hostFile, 'binary');
    mkdirSync(join(tree, 'usr/bin'));
    symlinkSync(join(host, 'shadow'), join(tree, 'usr/bin/kubelet'));
    const copied = await copyIntoTree(tree, '/usr/bin/kubelet', hostFile, 0o755);
    expect(lstatSync(copied).isFile()).toBe(true);
    expect(statSync(copied).mode & 0o777).toBe(0o755);
    expect(readFileSync(copied, 'utf8')).toBe('binary');
    expect(await writeTreeFile(tree, '/usr/lib/systemd/system/kubelet.service', '[Unit]\n')).toBe(join(tree, 'usr/lib/systemd/system/kubelet.service'));
    expect(readFileSync(join(host, 'shadow'), 'utf8')).toBe('root:secret\n');
  });

  it('names a directory to clean only when it is a real one', async () => {
    const { tree } = treeWithHost();
    expect(await symlinkFreeTreeDir(tree, '/etc/apt')).toBe(join(tree, 'etc/apt'));
    expect(await symlinkFreeTreeDir(tree, '/var/log')).toBeUndefined();
    await expect(symlinkFreeTreeDir(tree, '/etc/apt/sources.list.d')).rejects.toThrow(/refusing to clean \/etc\/apt\/sources.list.d/);
  });
});
