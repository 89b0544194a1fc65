import { lstat, readdir, realpath, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { mountsUnder, unmountUnder } from './work-dir-mounts.ts';

/**
 * Removes a build's directory without ever leaving it: first everything mounted inside
 * is unmounted, then a walker deletes the tree but refuses to enter any directory that
 * is still a mount point or lies on another file system (a bind mount of the host's
 * /dev/shm must not lose its files). Never throws; returns what could not be removed.
 */
export async function removeBuildDir(dir: string): Promise<string[]> {
  try {
    const top = await lstat(dir).catch((error: unknown) => (isMissing(error) ? undefined : Promise.reject(error)));
    if (!top) return [];
    // Mount points in /proc/self/mountinfo are canonical paths.
    const root = await realpath(dir);
    const problems = await unmountUnder(root);
    const fence = new Set(await mountsUnder(root));
    if (fence.has(root)) return problems;
    problems.push(...(await removeInside(root, top.dev, fence)));
    if (problems.length === 0) await rmdir(root).catch((error: unknown) => problems.push(describe(root, error)));
    return problems;
  } catch (error) {
    return [describe(dir, error)];
  }
}

async function removeInside(dir: string, dev: number, fence: Set<string>): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    return isMissing(error) ? [] : [describe(dir, error)];
  }
  const results = await Promise.all(
    entries.map(async (entry): Promise<string[]> => {
      const full = path.join(dir, entry.name);
      try {
        if (fence.has(full)) return [`${full} is a mount point; left in place`];
        if (!entry.isDirectory()) {
          await unlink(full);
          return [];
        }
        if ((await lstat(full)).dev !== dev) return [`${full} is on another file system; left in place`];
        const inner = await removeInside(full, dev, fence);
        if (inner.length > 0) return inner;
        await rmdir(full);
        return [];
      } catch (error) {
        return isMissing(error) ? [] : [describe(full, error)];
      }
    }),
  );
  return results.flat();
}

const isMissing = (error: unknown) => (error as { code?: unknown }).code === 'ENOENT';

function describe(file: string, error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return `could not remove ${file}: ${typeof code === 'string' ? code : error instanceof Error ? error.message : String(error)}`;
}
