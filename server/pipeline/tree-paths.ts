import { lstat, readlink } from 'node:fs/promises';
import { posix } from 'node:path';

/**
 * Maps an absolute path inside the image to a host path under `tree`, resolving
 * symlinks as the booted system would: relative to the tree, never the host. Without
 * this, writing a user's file to /etc/resolv.conf (an absolute symlink into /run)
 * would follow the link out of the tree onto the build host.
 */
export async function resolveInTree(tree: string, imagePath: string, maxLinks = 40): Promise<string> {
  if (!imagePath.startsWith('/')) throw new Error(`not an absolute image path: ${imagePath}`);
  const pending = imagePath.split('/').filter((p) => p.length > 0);
  const resolved: string[] = [];
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const hostPath = posix.join(tree, ...resolved, part);
    let isLink = false;
    try {
      isLink = (await lstat(hostPath)).isSymbolicLink();
    } catch {
      // a missing component ends the lookup: the rest will be created as plain entries
    }
    if (!isLink) {
      resolved.push(part);
      continue;
    }
    const target = await readlink(hostPath);
    if (++links > maxLinks) throw new Error(`too many symlinks resolving ${imagePath}`);
    const next = target.startsWith('/') ? target : posix.join('/', ...resolved, target);
    pending.unshift(...next.split('/').filter((p) => p.length > 0));
    resolved.length = 0;
  }
  return posix.join(tree, ...resolved);
}

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
      throw new Error(`refusing to write ${imagePath}: /${parts.slice(0, i).join('/')} is a symlink in the image (to ${await readlink(dir)}); write to the link's target path instead`);
    }
    if (!info.isDirectory()) throw new Error(`refusing to write ${imagePath}: /${parts.slice(0, i).join('/')} is not a directory in the image`);
  }
  return posix.join(tree, ...parts);
}
