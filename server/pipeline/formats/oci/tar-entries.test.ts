import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../../exec';
import { tarEnd, tarHeader, tarPadding } from './tar-entries';

/** Each header is read back by GNU tar, which did not write it. */
describe('tar headers', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'stamper-tar-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const list = async (parts: Buffer[]) => {
    const file = join(dir, `t${Math.random().toString(36).slice(2)}.tar`);
    await writeFile(file, Buffer.concat(parts));
    return runProcess('tar', ['--numeric-owner', '-tvf', file], { captureStdout: true, allowFailure: true, quiet: true });
  };

  it('writes directories and files with the exact owner, mode, time and content', async () => {
    const content = Buffer.from('hello layer\n');
    const listing = await list([
      tarHeader({ path: 'disk/', type: 'directory', mode: 0o555, uid: 107, gid: 107, size: 0, mtime: 1_700_000_000 }),
      tarHeader({ path: 'disk/a.qcow2', type: 'file', mode: 0o440, uid: 107, gid: 107, size: content.length, mtime: 1_700_000_000 }),
      content,
      tarPadding(content.length),
      tarEnd(),
    ]);
    expect(listing.code).toBe(0);
    const lines = listing.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^dr-xr-xr-x 107\/107\s+0 2023-11-1\d \d\d:\d\d disk\/$/);
    expect(lines[1]).toMatch(/^-r--r----- 107\/107\s+12 2023-11-1\d \d\d:\d\d disk\/a\.qcow2$/);
  });

  it('splits long paths into prefix and name, and sizes past 8 GiB in base-256', async () => {
    const long = `${'d'.repeat(120)}/${'f'.repeat(90)}`;
    const nine = 9 * 1024 ** 3;
    const listing = await list([
      tarHeader({ path: long, type: 'file', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0 }),
      tarHeader({ path: 'big.raw', type: 'file', mode: 0o644, uid: 0, gid: 0, size: nine, mtime: 0 }),
    ]);
    // the archive stops inside big.raw's data, but both headers are read
    const lines = listing.stdout.trim().split('\n');
    expect(lines[0]?.endsWith(` ${long}`)).toBe(true);
    expect(lines[1]).toContain(` ${nine} `);
    expect(() => tarHeader({ path: 'x'.repeat(300), type: 'file', mode: 0, uid: 0, gid: 0, size: 0, mtime: 0 })).toThrow(/too long/);
  });
});
