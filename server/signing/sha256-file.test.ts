import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runProcess } from '../pipeline/exec';
import { sha256File } from './sha256sums';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stamper-sha256-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('sha256File', () => {
  it('hashes a file that ends mid-chunk exactly as one update over its bytes', async () => {
    const bytes = randomBytes(3 * 1024 * 1024 + 7);
    const path = join(dir, 'odd-size.bin');
    await writeFile(path, bytes);
    expect(await sha256File(path)).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('agrees with coreutils sha256sum on a sparse file, holes included', async () => {
    const path = join(dir, 'sparse.raw');
    const handle = await open(path, 'w');
    await handle.write(Buffer.from('boot sector'), 0, 11, 0);
    await handle.write(Buffer.from('data after a hole'), 0, 17, 64 * 1024 * 1024);
    await handle.truncate(96 * 1024 * 1024);
    await handle.close();
    const { stdout } = await runProcess('sha256sum', [path], { captureStdout: true });
    expect(await sha256File(path)).toBe(stdout.split(' ')[0]);
  });

  it('rejects for a file that is not there', async () => {
    await expect(sha256File(join(dir, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});
