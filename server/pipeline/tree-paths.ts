import { constants } from 'node:fs';
import { chmod, copyFile, lstat, mkdir, readlink, rm, writeFile } from 'node:fs/promises';
import { dirname, posix } from 'node:path';

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

/**
 * Writes a file into the image at `imagePath`: no symlink in its directories (see
 * above), and a link at the last component is replaced, not written through. Returns
 * the host path it wrote.
 */
export async function writeTreeFile(tree: string, imagePath: string, content: string | Uint8Array, mode?: number): Promise<string> {
  const target = await symlinkFreeTreePath(tree, imagePath);
  await mkdir(dirname(target), { recursive: true });
  await rm(target, { force: true });
  await writeFile(target, content, mode === undefined ? {} : { mode });
  return target;
}

/** Copies a host file into the image at `imagePath`, under the same rules as writeTreeFile. */
export async function copyIntoTree(tree: string, imagePath: string, hostFile: string, mode: number): Promise<string> {
  const target = await symlinkFreeTreePath(tree, imagePath);
  await mkdir(dirname(target), { recursive: true });
  await rm(target, { force: true });
  await copyFile(hostFile, target, constants.COPYFILE_EXCL);
  await chmod(target, mode);
  return target;
}

/**
 * The host path of a directory of the image that is about to be emptied, or undefined
 * when there is none. Refused when it, or any directory above it, is a symlink: a link
 * planted at /var/log or /tmp would otherwise aim the clean-up at the build host's own.
 */
export async function symlinkFreeTreeDir(tree: string, imagePath: string): Promise<string | undefined> {
  const dir = await symlinkFreeTreePath(tree, imagePath);
  const info = await lstat(dir).catch(() => undefined);
  if (info?.isSymbolicLink()) throw new Error(`refusing to clean ${imagePath}: it is a symlink in the image (to ${await readlink(dir)})`);
  return info?.isDirectory() ? dir : undefined;
}
