import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { symlinkFreeTreePath } from './tree-paths';

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
