import { readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Removes what must be unique per machine or is only build residue: SSH host keys
 * (regenerated on first boot), the machine-id (systemd makes one on first boot when the
 * file is empty), cloud-init state, apt lists and caches, logs.
 */
export async function sysprep(tree: string): Promise<void> {
  const sshDir = join(tree, 'etc/ssh');
  for (const name of await readdir(sshDir).catch(() => [] as string[])) {
    if (/^ssh_host_.*_key(\.pub)?$/.test(name)) await rm(join(sshDir, name), { force: true });
  }
  await writeFile(join(tree, 'etc/machine-id'), '');
  await rm(join(tree, 'var/lib/dbus/machine-id'), { force: true });
  await rm(join(tree, 'var/lib/systemd/random-seed'), { force: true });
  await rm(join(tree, 'var/lib/cloud'), { recursive: true, force: true });
  await emptyDirectory(join(tree, 'var/lib/apt/lists'), (name) => name !== 'partial' && name !== 'lock');
  await emptyDirectory(join(tree, 'var/cache/apt'), (name) => name.endsWith('.bin'));
  await emptyDirectory(join(tree, 'var/cache/apt/archives'), (name) => name.endsWith('.deb'));
  await emptyDirectory(join(tree, 'tmp'), () => true);
  await emptyDirectory(join(tree, 'var/tmp'), () => true);
  await truncateLogs(join(tree, 'var/log'));
}

async function emptyDirectory(dir: string, shouldRemove: (name: string) => boolean): Promise<void> {
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (shouldRemove(name)) await rm(join(dir, name), { recursive: true, force: true });
  }
}

/** Keep log files (some packages expect them) but empty them; drop rotated ones. */
async function truncateLogs(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await truncateLogs(path);
    else if (/\.(gz|xz|zst|\d+)$/.test(entry.name)) await rm(path, { force: true });
    else if (entry.isFile()) await truncate(path, 0);
  }
}
