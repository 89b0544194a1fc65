import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chrootExec } from './chroot';
import { runProcess } from './exec';
import { type BuildUser, readBuildUser, usernsPrefix } from './sandbox/build-user';

/** The smallest tree a chroot can run: dash and the two libraries it links. */
function tinyTree(root: string): string {
  const tree = join(root, 'tree');
  for (const dir of ['dev', 'proc', 'bin']) mkdirSync(join(tree, dir), { recursive: true });
  for (const file of ['/usr/bin/dash', '/lib/x86_64-linux-gnu/libc.so.6', '/lib64/ld-linux-x86-64.so.2']) {
    const target = join(tree, file === '/usr/bin/dash' ? 'bin/sh' : file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(file, target);
    chmodSync(target, 0o755);
  }
  return tree;
}

// each line is one device check, done by the shell's own builtins (the tree has no tools)
const DEVICE_CHECKS = [
  'for d in null zero full random urandom tty; do [ -c /dev/$d ] && echo "char $d"; done',
  'echo written >/dev/null && echo "null takes writes"',
  '[ -c /dev/pts/ptmx ] && echo "devpts mounted"',
  '[ -d /dev/shm ] && [ -w /dev/shm ] && echo "shm writable"',
  '[ -e /dev/sda ] || [ -e /dev/vda ] || echo "no host disks"',
  '[ -e /proc/self/status ] && echo "own proc"',
].join('; ');

const root = mkdtempSync(join(tmpdir(), 'chroot-run-'));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const mountsUnder = (dir: string) =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => line.split(' ')[4]?.startsWith(dir));

/** What DEVICE_CHECKS prints in a sound chroot, in both build modes. */
const EXPECTED_DEVICE_LINES = [
  'char null',
  'char zero',
  'char full',
  'char random',
  'char urandom',
  'char tty',
  'null takes writes',
  'devpts mounted',
  'shm writable',
  'no host disks',
  'own proc',
];

describe('chrootExec (real unshare and chroot)', () => {
  it('gives the tree only the device nodes a package install needs, and leaves neither files nor mounts behind, as host root', async () => {
    const tree = tinyTree(join(root, 'as-root'));
    const ctx = { exec: (command: string, args: readonly string[]) => runProcess(command, args, { captureStdout: true }) };
    const { stdout } = await chrootExec(ctx, tree, '/bin/sh', ['-c', DEVICE_CHECKS]);
    expect(stdout.trim().split('\n')).toEqual(EXPECTED_DEVICE_LINES);
    expect(readdirSync(join(tree, 'dev'))).toEqual([]);
    expect(mountsUnder(tree)).toEqual([]);
  });

  it('works the same inside the build user’s namespace, where no device node can be made', async () => {
    const user: BuildUser = await readBuildUser();
    const base = join(root, 'rootless');
    mkdirSync(base);
    const tree = tinyTree(base);
    // the namespace's root owns the tree, as after a rootless mmdebstrap
    await runProcess('chown', ['-R', `${user.subuidStart}:${user.subgidStart}`, base]);
    chownSync(base, user.subuidStart, user.subgidStart);
    const [tool, ...prefix] = usernsPrefix(user);
    const ctx = {
      exec: (command: string, args: readonly string[]) => runProcess(tool as string, [...prefix, command, ...args], { captureStdout: true }),
    };
    const { stdout } = await chrootExec(ctx, tree, '/bin/sh', ['-c', DEVICE_CHECKS]);
    expect(stdout.trim().split('\n')).toEqual(EXPECTED_DEVICE_LINES);
    expect(readdirSync(join(tree, 'dev'))).toEqual([]);
    expect(mountsUnder(tree)).toEqual([]);
  });
});
