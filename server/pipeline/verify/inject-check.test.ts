import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../exec';
import { makeTinyRootDisk } from '../../testing/tiny-root-disk';
import { injectGuestCheck } from './inject-check';

describe('injectGuestCheck', () => {
  let dir: string;
  let disk: string;
  let offset: number;
  const debugfs = async (request: string) =>
    (await runProcess('debugfs', ['-R', request, `${disk}?offset=${offset}`], { captureStdout: true, quiet: true })).stdout;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stamper-inject-'));
    ({ disk, offset } = await makeTinyRootDisk(dir));
    await mkdir(join(dir, 'scratch'));
    await injectGuestCheck(runProcess, disk, join(dir, 'scratch'), {} as Parameters<typeof injectGuestCheck>[3]);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('finds the root partition by its GPT type', () => {
    expect(offset).toBe(2048 * 512);
  });

  it('enables the check unit in multi-user.target', async () => {
    expect(await debugfs('stat /etc/systemd/system/stamper-verify.service')).toMatch(/Type: regular/);
    expect(await debugfs('stat /etc/systemd/system/multi-user.target.wants/stamper-verify.service')).toMatch(
      /Fast link dest: "\/etc\/systemd\/system\/stamper-verify.service"/,
    );
    expect(await debugfs('cat /var/lib/stamper-verify/expect.json')).toBe('{}');
  });

  it('makes a kernel panic reboot (and so end qemu) instead of hanging until the timeout', async () => {
    expect(await debugfs('cat /etc/sysctl.d/00-stamper-verify-panic.conf')).toBe('kernel.panic = 1\n');
  });

  it('masks the serial getty, which would hang up the console the results are written to', async () => {
    expect(await debugfs('stat /etc/systemd/system/serial-getty@ttyS0.service')).toMatch(/Fast link dest: "\/dev\/null"/);
  });
});
