import { chmod, mkdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runProcess } from '../server/pipeline/exec';

/**
 * mkosi 14 (Debian 12's) building a bootable GPT/ext4 image of the given packages. It needs
 * root and loop devices, and mounts the image's ESP; this host's kernel has no vfat, so
 * mkosi runs in a private mount namespace whose /usr/sbin gains a `mount.vfat` helper that
 * mounts with fusefat instead, and systemd-nspawn gets the tmpfs it expects under /run.
 * The host's /usr/sbin and /run are not changed.
 *
 * Not yet through on this host (2026-12-02, trixie): the packages install and dracut runs,
 * then trixie's kernel-install copies the kernel into the ESP with `install -m 0644` and
 * fusefat has no chmod (ENOSYS), and bootctl does not take a FUSE mount for an ESP.
 */
export interface MkosiRun {
  seconds: number;
  imageBytes: number;
  output: string;
}

const NAMESPACE_SCRIPT = `#!/bin/sh
# $1: directory holding mount.vfat; the rest: the command to run with it on mount's helper path
set -e
helpers="$1"
shift
mount -t overlay overlay -o "lowerdir=$helpers:/usr/sbin" /usr/sbin
# systemd-nspawn (mkosi runs its commands in the tree with it) expects /run on tmpfs and
# refuses to clean up its propagation directory on a disk filesystem, as /run is here
mkdir -p /run/systemd/nspawn
mount -t tmpfs tmpfs /run/systemd/nspawn
exec "$@"
`;

/**
 * fusefat takes the volume label entry mkosi writes ("EFI") for a file of that name, so
 * creating /efi/EFI fails with EEXIST: the label is cleared first (the GPT partition type,
 * not the label, is what makes the partition an ESP).
 */
const MOUNT_VFAT = `#!/bin/sh
# mount.vfat SPEC DIR [-o options]: FAT through FUSE, read-write
fatlabel -r "$1" >/dev/null
exec /usr/bin/fusefat -o rw+ "$1" "$2" >/dev/null
`;

export async function mkosiBuild(dir: string, release: string, mirror: string, packages: readonly string[], cacheDir: string): Promise<MkosiRun> {
  const helpers = join(dir, 'helpers');
  await mkdir(helpers, { recursive: true });
  await mkdir(cacheDir, { recursive: true });
  await writeFile(join(helpers, 'mount.vfat'), MOUNT_VFAT);
  await chmod(join(helpers, 'mount.vfat'), 0o755);
  const script = join(dir, 'with-fuse-vfat.sh');
  await writeFile(script, NAMESPACE_SCRIPT);
  await chmod(script, 0o755);
  const image = join(dir, 'out', 'image.raw');
  await mkdir(join(dir, 'out'), { recursive: true });
  await rm(image, { force: true });
  const lines: string[] = [];
  const started = Date.now();
  await runProcess(
    'unshare',
    [
      '--mount',
      '--propagation',
      'private',
      '--',
      script,
      helpers,
      'mkosi',
      '--distribution',
      'debian',
      '--release',
      release,
      '--mirror',
      mirror,
      '--format',
      'gpt_ext4',
      '--bootable',
      '--incremental',
      '--cache',
      cacheDir,
      '--output',
      image,
      '--package',
      packages.join(','),
      // no systemd runs on this host: without it nspawn would ask the system bus for a scope unit
      '--nspawn-keep-unit',
      '--force',
      'build',
    ],
    {
      signal: new AbortController().signal,
      timeoutMs: 30 * 60_000,
      onLine: (line) => {
        lines.push(line);
        if (lines.length > 200) lines.shift();
      },
    },
  ).catch((err: unknown) => {
    throw new Error(`mkosi failed: ${err instanceof Error ? err.message : String(err)}\n${lines.slice(-40).join('\n')}`);
  });
  const seconds = (Date.now() - started) / 1000;
  return { seconds, imageBytes: (await stat(image)).blocks * 512, output: lines.join('\n') };
}
