import { chmod, chown, lstat, mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256File } from '../signing/sha256sums';
import { baseTreeCacheName } from './rootfs/base-tree-cache';

const SHA256_NAME = /^[0-9a-f]{64}$/;

export interface AdoptionResult {
  adopted: string[];
  /** Entries left behind, each with why: a build offered something the service did not expect. */
  refused: string[];
}

/**
 * Moves what a build left in its cache-out directory into the shared cache, but only
 * what the service can vouch for: downloads whose content hashes to their name, and the
 * base tree under the key the service computed itself from the spec. A build runs the
 * spec author's package scripts with the build's own ids, so it may write anything
 * there; it must never decide what another build restores. Adopted files belong to the
 * service and are read-only to builds.
 */
export async function adoptCacheEntries(stagingDir: string, cacheDir: string, baseTreeKey: string): Promise<AdoptionResult> {
  const result: AdoptionResult = { adopted: [], refused: [] };
  const owner = { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };
  const adopt = async (from: string, dir: string, name: string): Promise<void> => {
    await mkdir(join(cacheDir, dir), { recursive: true, mode: 0o755 });
    const target = join(cacheDir, dir, name);
    await chown(from, owner.uid, owner.gid);
    await chmod(from, 0o644);
    await rename(from, target);
    result.adopted.push(`${dir}/${name}`);
  };

  for (const name of await entries(join(stagingDir, 'downloads'))) {
    const file = join(stagingDir, 'downloads', name);
    if (!SHA256_NAME.test(name) || !(await isRegularFile(file))) result.refused.push(`downloads/${name}: not a checksum-named file`);
    else if ((await sha256File(file)) !== name) result.refused.push(`downloads/${name}: content does not match its name`);
    else await adopt(file, 'downloads', name);
  }
  const expected = baseTreeCacheName(baseTreeKey);
  for (const name of await entries(join(stagingDir, 'base-trees'))) {
    const file = join(stagingDir, 'base-trees', name);
    if (name !== expected || !(await isRegularFile(file))) result.refused.push(`base-trees/${name}: not this build's base tree`);
    else await adopt(file, 'base-trees', name);
  }
  return result;
}

/** A real directory's entries; a link in its place is never followed. */
async function entries(dir: string): Promise<string[]> {
  const isDirectory = await lstat(dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  return isDirectory ? readdir(dir) : [];
}

async function isRegularFile(path: string): Promise<boolean> {
  return lstat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
