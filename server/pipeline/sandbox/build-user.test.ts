import { chownSync, lstatSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../exec';
import { type BuildUser, RootlessUnavailableError, checkRootlessHost, groupId, readBuildUser, subordinateRange, usernsPrefix } from './build-user';

const inNamespace = (user: BuildUser, command: string, args: string[]) => {
  const [tool, ...prefix] = usernsPrefix(user);
  return runProcess(tool as string, [...prefix, command, ...args], {
    captureStdout: true,
  });
};

describe('groupId and the kvm group', () => {
  it('keeps the host kvm group (for /dev/kvm) and no other', () => {
    expect(groupId('root:x:0:\nkvm:x:993:\n', 'kvm')).toBe(993);
    expect(groupId('root:x:0:\n', 'kvm')).toBeUndefined();
    const user = { name: 'stamper-build', subuidStart: 100000, subgidStart: 100000, count: 65536 };
    expect(usernsPrefix({ ...user, hostGroups: [993] }, true).slice(0, 5)).toEqual([
      'setpriv',
      '--reuid=stamper-build',
      '--regid=stamper-build',
      '--groups=993',
      '--',
    ]);
    expect(usernsPrefix({ ...user, hostGroups: [] }, true)[3]).toBe('--clear-groups');
  });
});

describe('subordinateRange', () => {
  it("reads the named user's range and ignores others", () => {
    expect(subordinateRange('alice:100000:65536\nstamper-build:165536:65536\n', 'stamper-build')).toEqual({ start: 165536, count: 65536 });
    expect(subordinateRange('alice:100000:65536\n', 'stamper-build')).toBeUndefined();
  });

  it('says how to fix a host without a range, or how to opt in to root mode', async () => {
    const err = await readBuildUser('no-such-build-user').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RootlessUnavailableError);
    expect((err as Error).message).toMatch(/no range for no-such-build-user.*setup-build-user\.sh.*STAMPER_BUILD_MODE=root/);
  });
});

describe("a build step in the build user's namespace (real unshare)", () => {
  it('runs as a subordinate host id, writes files the host sees as subordinate ids and the image as 0, and mkfs.ext4 -d records 0', async () => {
    const user = await checkRootlessHost();
    const work = mkdtempSync(join(tmpdir(), 'userns-step-'));
    // namespace root must own the directory it builds in: it has no power over host-owned files
    chownSync(work, user.subuidStart, user.subgidStart);
    const tree = join(work, 'tree');
    try {
      expect((await inNamespace(user, 'id', ['-u'])).stdout.trim()).toBe('0');
      expect((await inNamespace(user, 'cat', ['/proc/self/uid_map'])).stdout.trim().split(/\s+/).map(Number)).toEqual([0, user.subuidStart, user.count]);
      // the host's own root-only files stay out of reach
      await expect(inNamespace(user, 'cat', ['/etc/shadow'])).rejects.toThrow(/exited with 1/);

      await inNamespace(user, 'install', ['-d', join(tree, 'etc')]);
      await inNamespace(user, 'install', ['-m', '0640', '-o', '0', '-g', '42', '/dev/null', join(tree, 'etc/shadow')]);
      const onHost = lstatSync(join(tree, 'etc/shadow'));
      expect([onHost.uid, onHost.gid]).toEqual([user.subuidStart, user.subgidStart + 42]);
      expect((await inNamespace(user, 'stat', ['-c', '%u:%g', join(tree, 'etc/shadow')])).stdout.trim()).toBe('0:42');

      const disk = join(work, 'root.ext4');
      await inNamespace(user, 'mkfs.ext4', ['-q', '-F', '-d', tree, disk, '8M']);
      const stat = await runProcess('debugfs', ['-R', 'stat /etc/shadow', disk], { captureStdout: true });
      expect(stat.stdout).toMatch(/User:\s+0\s+Group:\s+42\s/);
      expect(lstatSync(disk).uid).toBe(user.subuidStart);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});
