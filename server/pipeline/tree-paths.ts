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
