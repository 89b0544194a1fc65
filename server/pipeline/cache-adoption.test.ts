import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adoptCacheEntries } from './cache-adoption';

const root = mkdtempSync(join(tmpdir(), 'cache-adoption-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const KEY = 'a'.repeat(64);

describe('adoptCacheEntries', () => {
  it('takes a download whose content hashes to its name and the base tree under the expected key, nothing else', async () => {
    const staging = join(root, 'one', 'cache-out');
    const cache = join(root, 'one', 'cache');
    mkdirSync(join(staging, 'downloads'), { recursive: true });
    mkdirSync(join(staging, 'base-trees'), { recursive: true });
    writeFileSync(join(staging, 'downloads', sha('kubelet')), 'kubelet');
    writeFileSync(join(staging, 'downloads', sha('kubeadm')), 'not kubeadm');
    writeFileSync(join(staging, 'downloads', 'notes.txt'), 'x');
    writeFileSync(join(staging, 'base-trees', `${KEY}.tar.zst`), 'tree');
    writeFileSync(join(staging, 'base-trees', `${'b'.repeat(64)}.tar.zst`), 'another spec’s tree');

    const result = await adoptCacheEntries(staging, cache, KEY);
    expect(result.adopted.sort()).toEqual([`base-trees/${KEY}.tar.zst`, `downloads/${sha('kubelet')}`]);
    expect(result.refused).toHaveLength(3);
    expect(readFileSync(join(cache, 'downloads', sha('kubelet')), 'utf8')).toBe('kubelet');
    expect(lstatSync(join(cache, 'base-trees', `${KEY}.tar.zst`)).mode & 0o777).toBe(0o644);
    expect(existsSync(join(cache, 'downloads', sha('kubeadm')))).toBe(false);
    expect(existsSync(join(cache, 'base-trees', `${'b'.repeat(64)}.tar.zst`))).toBe(false);
  });

  it('never follows a link: neither a linked file nor a linked directory is taken', async () => {
    const staging = join(root, 'two', 'cache-out');
    const cache = join(root, 'two', 'cache');
    const outside = join(root, 'two', 'outside');
    mkdirSync(join(staging, 'downloads'), { recursive: true });
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, sha('secret')), 'secret');
    writeFileSync(join(outside, `${KEY}.tar.zst`), 'host file');
    symlinkSync(join(outside, sha('secret')), join(staging, 'downloads', sha('secret')));
    symlinkSync(outside, join(staging, 'base-trees'));

    const result = await adoptCacheEntries(staging, cache, KEY);
    expect(result.adopted).toEqual([]);
    expect(existsSync(join(cache, 'downloads', sha('secret')))).toBe(false);
    expect(existsSync(join(cache, 'base-trees'))).toBe(false);
    expect(existsSync(join(outside, `${KEY}.tar.zst`))).toBe(true);
  });
});
