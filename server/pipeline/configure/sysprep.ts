import { readdir, rm, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { symlinkFreeTreeDir, symlinkFreeTreePath, writeTreeFile } from '../tree-paths';

/**
 * Removes what must be unique per machine or is only build residue: SSH host keys
 * (regenerated on first boot), the machine-id (systemd makes one on first boot when the
 * file is empty), cloud-init state, apt lists and caches, logs. Every path is taken
 * without following a symlink in its directories, so a link in the image cannot point
 * the clean-up at the build host.
 */
export async function sysprep(tree: string): Promise<void> {
  await emptyDirectory(tree, '/etc/ssh', (name) => /^ssh_host_.*_key(\.pub)?$/.test(name));
  await writeTreeFile(tree, '/etc/machine-id', '');
  // rm removes a link at the last component itself, never its target
  for (const imagePath of ['/var/lib/dbus/machine-id', '/var/lib/systemd/random-seed', '/var/lib/cloud']) {
    await rm(await symlinkFreeTreePath(tree, imagePath), { recursive: true, force: true });
  }
  await emptyDirectory(tree, '/var/lib/apt/lists', (name) => name !== 'partial' && name !== 'lock');
  await emptyDirectory(tree, '/var/cache/apt', (name) => name.endsWith('.bin'));
  await emptyDirectory(tree, '/var/cache/apt/archives', (name) => name.endsWith('.deb'));
  await emptyDirectory(tree, '/tmp', () => true);
  await emptyDirectory(tree, '/var/tmp', () => true);
  const logs = await symlinkFreeTreeDir(tree, '/var/log');
  if (logs) await truncateLogs(logs);
}

async function emptyDirectory(tree: string, imagePath: string, shouldRemove: (name: string) => boolean): Promise<void> {
  const dir = await symlinkFreeTreeDir(tree, imagePath);
  if (!dir) return;
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (shouldRemove(name)) await rm(join(dir, name), { recursive: true, force: true });
  }
}

/** Keep log files (some packages expect them) but empty them; drop rotated ones. Links are entries of their own, never followed. */
async function truncateLogs(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await truncateLogs(path);
    else if (/\.(gz|xz|zst|\d+)$/.test(entry.name)) await rm(path, { force: true });
    else if (entry.isFile()) await truncate(path, 0);
  }
}
