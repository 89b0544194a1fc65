import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveInTree } from './tree-paths';

describe('resolveInTree', () => {
  const tree = mkdtempSync(join(tmpdir(), 'tree-'));
  mkdirSync(join(tree, 'usr/bin'), { recursive: true });
  mkdirSync(join(tree, 'etc'), { recursive: true });
  mkdirSync(join(tree, 'run/systemd/resolve'), { recursive: true });
  symlinkSync('usr/bin', join(tree, 'bin'));
  symlinkSync('/run/systemd/resolve/stub-resolv.conf', join(tree, 'etc/resolv.conf'));
  symlinkSync('/etc', join(tree, 'etc/escape'));

  it('follows relative links inside the tree', async () => {
    expect(await resolveInTree(tree, '/bin/tool')).toBe(join(tree, 'usr/bin/tool'));
  });

  it('resolves absolute links against the tree, never the host', async () => {
    expect(await resolveInTree(tree, '/etc/resolv.conf')).toBe(join(tree, 'run/systemd/resolve/stub-resolv.conf'));
    expect(await resolveInTree(tree, '/etc/escape/passwd')).toBe(join(tree, 'etc/passwd'));
  });

  it('cannot climb out with ..', async () => {
    expect(await resolveInTree(tree, '/../../../etc/shadow')).toBe(join(tree, 'etc/shadow'));
  });

  it('stops on link loops', async () => {
    symlinkSync('/loop-b', join(tree, 'loop-a'));
    symlinkSync('/loop-a', join(tree, 'loop-b'));
    await expect(resolveInTree(tree, '/loop-a/x')).rejects.toThrow(/too many symlinks/);
  });
});
