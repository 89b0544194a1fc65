import { lstat, readlink } from 'node:fs/promises';
import { posix } from 'node:path';

/**
 * The host path of `imagePath` under `tree` for a write, refusing a symlink anywhere
 * in its directories: resolving links would be right for the booted system, but a
 * link chain a package (or a spec's earlier file) planted could still point a write
 * where the spec's author did not look, and on a root-mode host any miss is a write
 * as root. The last component may be a link: callers replace it, never write through it.
 */
export async function symlinkFreeTreePath(tree: string, imagePath: string): Promise<string> {
  if (!imagePath.startsWith('/')) throw new Error(`not an absolute image path: ${imagePath}`);
  const parts = imagePath.split('/').filter((p) => p.length > 0);
  if (parts.some((p) => p === '.' || p === '..')) throw new Error(`not a normalized image path: ${imagePath}`);
  for (let i = 1; i < parts.length; i++) {
    const dir = posix.join(tree, ...parts.slice(0, i));
    const info = await lstat(dir).catch(() => undefined);
    if (!info) break; // the rest will be created as plain directories
    if (info.isSymbolicLink()) {
      throw new Error(
        `refusing to write ${imagePath}: /${parts.slice(0, i).join('/')} is a symlink in the image (to ${await readlink(dir)}); write to the link's target path instead`,
      );
    }
    if (!info.isDirectory()) throw new Error(`refusing to write ${imagePath}: /${parts.slice(0, i).join('/')} is not a directory in the image`);
  }
  return posix.join(tree, ...parts);
}
