import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../exec';
import { makeTinyRootDisk } from '../../testing/tiny-root-disk';
import { checkFixedVhd, checkGceTar, checkVhdx, parseTarListing, parseVhdFooter } from './format-checks';
import { gceTarArgs, vhdConvertArgs, vhdxConvertArgs } from './conversions';

const SIZE = 64 * 1024 * 1024;
let dir: string;
let disk: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stamper-format-checks-'));
  ({ disk } = await makeTinyRootDisk(dir));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('checkFixedVhd', () => {
  it('accepts what vhdConvertArgs writes', async () => {
    const vhd = join(dir, 'ok.vhd');
    await runProcess('qemu-img', vhdConvertArgs(disk, vhd));
    await expect(checkFixedVhd(runProcess, vhd, SIZE)).resolves.toBeUndefined();
  });

  it('rejects a dynamic VHD and one rounded to a CHS geometry', async () => {
    const dynamic = join(dir, 'dynamic.vhd');
    await runProcess('qemu-img', ['convert', '-f', 'raw', '-O', 'vpc', '-o', 'subformat=dynamic,force_size=on', disk, dynamic]);
    await expect(checkFixedVhd(runProcess, dynamic, SIZE)).rejects.toThrow(/a fixed VHD is the disk plus a 512-byte footer|disk type/);
    const odd = join(dir, 'odd.raw');
    await writeFile(odd, '');
    await truncate(odd, SIZE + 3 * 512);
    const chs = join(dir, 'chs.vhd');
    await runProcess('qemu-img', ['convert', '-f', 'raw', '-O', 'vpc', '-o', 'subformat=fixed', odd, chs]);
    await expect(checkFixedVhd(runProcess, chs, SIZE + 3 * 512)).rejects.toThrow(/virtual size/);
  });

  it('notices a corrupted footer checksum', async () => {
    const vhd = join(dir, 'ok.vhd');
    const footer = Buffer.from((await readFile(vhd)).subarray(-512));
    expect(parseVhdFooter(footer).checksumOk).toBe(true);
    footer[100] = (footer[100] ?? 0) ^ 0xff;
    expect(parseVhdFooter(footer).checksumOk).toBe(false);
  });
});

describe('checkVhdx', () => {
  it('accepts what vhdxConvertArgs writes and rejects another format', async () => {
    const vhdx = join(dir, 'ok.vhdx');
    await runProcess('qemu-img', vhdxConvertArgs(disk, vhdx));
    await expect(checkVhdx(runProcess, vhdx, SIZE)).resolves.toBeUndefined();
    await expect(checkVhdx(runProcess, vhdx, SIZE * 2)).rejects.toThrow(/virtual size/);
    await expect(checkVhdx(runProcess, disk, SIZE)).rejects.toThrow();
  });
});

describe('checkGceTar', () => {
  it('accepts disk.raw alone in a sparse GNU tar', async () => {
    const src = join(dir, 'gce');
    await mkdir(src, { recursive: true });
    await runProcess('cp', ['--sparse=always', disk, join(src, 'disk.raw')]);
    const tarball = join(dir, 'ok.tar.gz');
    await runProcess('tar', gceTarArgs(src, tarball));
    await expect(checkGceTar(runProcess, tarball, SIZE)).resolves.toBeUndefined();
  });

  it('rejects another file name, an extra file and a POSIX tar', async () => {
    const src = join(dir, 'gce-bad');
    await mkdir(src, { recursive: true });
    await runProcess('cp', ['--sparse=always', disk, join(src, 'root.img')]);
    await writeFile(join(src, 'disk.raw'), 'x');
    const wrongName = join(dir, 'wrong.tar.gz');
    await runProcess('tar', ['-Sczf', wrongName, '-C', src, 'root.img']);
    await expect(checkGceTar(runProcess, wrongName, SIZE)).rejects.toThrow(/must hold only disk.raw; it holds root.img/);
    const extra = join(dir, 'extra.tar.gz');
    await runProcess('tar', ['--format=oldgnu', '-Sczf', extra, '-C', src, 'disk.raw', 'root.img']);
    await expect(checkGceTar(runProcess, extra, SIZE)).rejects.toThrow(/must hold only/);
    await runProcess('cp', ['--sparse=always', disk, join(src, 'disk.raw')]);
    const posix = join(dir, 'posix.tar.gz');
    await runProcess('tar', ['--format=posix', '-Sczf', posix, '-C', src, 'disk.raw']);
    await expect(checkGceTar(runProcess, posix, SIZE)).rejects.toThrow(/entry type|GNU-format/);
  });

  it('parses tar -tv lines', () => {
    expect(parseTarListing('-rw-r--r-- 0/0  67108864 2026-12-02 10:16 disk.raw\n')).toEqual([{ mode: '-rw-r--r--', size: 67108864, name: 'disk.raw' }]);
  });
});
