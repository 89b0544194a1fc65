import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileSpec } from '../../../src/spec/schema';
import { applyFiles } from './customizations';

const runningAsRoot = process.getuid?.() === 0;

/** A tree with an image's account files and a directory link that points out of it. */
function makeTree(): { tree: string; outside: string } {
  const base = mkdtempSync(join(tmpdir(), 'apply-files-'));
  const tree = join(base, 'tree');
  const outside = join(base, 'outside');
  mkdirSync(join(tree, 'etc'), { recursive: true });
  mkdirSync(join(tree, 'usr/lib'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(tree, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/bash\nops:x:1001:1002::/home/ops:/bin/bash\n');
  writeFileSync(join(tree, 'etc/group'), 'root:x:0:\nops:x:1002:\n');
  symlinkSync(outside, join(tree, 'etc/evil-abs'));
  symlinkSync('../../outside', join(tree, 'etc/evil-rel'));
  symlinkSync('usr/lib', join(tree, 'lib'));
  return { tree, outside };
}

const file = (path: string, extra: Partial<FileSpec> = {}): FileSpec => ({ path, content: 'x\n', mode: '0644', owner: 'root:root', ...extra });

describe.skipIf(!runningAsRoot)('applyFiles', () => {
  it('accepts the numeric owners the schema allows', async () => {
    const { tree } = makeTree();
    await applyFiles(tree, [file('/etc/a', { owner: '0:0' }), file('/etc/b', { owner: '1001:1002' }), file('/etc/c', { owner: 'ops:0' })]);
    expect([statSync(join(tree, 'etc/a')).uid, statSync(join(tree, 'etc/a')).gid]).toEqual([0, 0]);
    expect([statSync(join(tree, 'etc/b')).uid, statSync(join(tree, 'etc/b')).gid]).toEqual([1001, 1002]);
    expect([statSync(join(tree, 'etc/c')).uid, statSync(join(tree, 'etc/c')).gid]).toEqual([1001, 0]);
  });

  it('keeps setuid and setgid bits, also for a non-root owner', async () => {
    const { tree } = makeTree();
    await applyFiles(tree, [
      file('/usr/local/bin/su-tool', { mode: '4755', owner: 'root:root' }),
      file('/usr/local/bin/sg-tool', { mode: '2750', owner: 'ops:ops' }),
    ]);
    expect(statSync(join(tree, 'usr/local/bin/su-tool')).mode & 0o7777).toBe(0o4755);
    expect(statSync(join(tree, 'usr/local/bin/sg-tool')).mode & 0o7777).toBe(0o2750);
  });

  it('refuses a symlinked directory anywhere on the path and writes nothing', async () => {
    const { tree, outside } = makeTree();
    await expect(applyFiles(tree, [file('/etc/evil-abs/x')])).rejects.toThrow(/\/etc\/evil-abs is a symlink/);
    await expect(applyFiles(tree, [file('/etc/evil-rel/sub/x')])).rejects.toThrow(/\/etc\/evil-rel is a symlink/);
    await expect(applyFiles(tree, [file('/lib/systemd/system/x.service')])).rejects.toThrow(/\/lib is a symlink/);
    expect(existsSync(join(outside, 'x'))).toBe(false);
    expect(existsSync(join(outside, 'sub'))).toBe(false);
    expect(existsSync(join(tree, 'usr/lib/systemd'))).toBe(false);
    expect(existsSync(join(tree, join(outside, 'x')))).toBe(false);
  });

  it('replaces a link at the last component instead of writing through it', async () => {
    const { tree, outside } = makeTree();
    writeFileSync(join(outside, 'target'), 'host\n');
    symlinkSync(join(outside, 'target'), join(tree, 'etc/resolv.conf'));
    await applyFiles(tree, [file('/etc/resolv.conf', { content: 'nameserver 192.0.2.1\n' })]);
    expect(lstatSync(join(tree, 'etc/resolv.conf')).isFile()).toBe(true);
    expect(readFileSync(join(outside, 'target'), 'utf8')).toBe('host\n');
  });
});
