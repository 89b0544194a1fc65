import { chmod, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What lets mkosi 14 build a bootable image on a host whose kernel has no vfat: mkosi mounts
 * the image's ESP, and mount(8) hands a FAT volume to /sbin/mount.vfat. In a private mount
 * namespace (the host's /usr/sbin is not changed) an overlay adds a mount.vfat that copies
 * the volume's files out with mtools into a directory and binds that directory at the
 * mount point; an `umount` ahead on PATH unmounts and then writes the directory back into
 * the volume (mkfs.fat with mkosi's own options, label and serial kept, then mcopy), so
 * every later step, mkosi's cache images included, sees what was written. A FUSE FAT
 * (fusefat) was tried first: it has no chmod, which kernel-install's `install -m 0644`
 * needs, and mistakes the volume label for a file.
 *
 * bootctl refuses an ESP that is not a FAT mount; systemd's documented
 * SYSTEMD_RELAX_ESP_CHECKS=1 lifts that check, and a `systemd-nspawn` ahead on PATH passes
 * it into the containers mkosi runs bootctl and kernel-install in. systemd-nspawn also
 * expects /run on tmpfs, which this host's /run is not.
 */
const NAMESPACE_SCRIPT = `#!/bin/sh
# $1: the shim directory (sbin/mount.vfat, bin/umount, bin/systemd-nspawn); the rest: the command
set -e
shim="$1"
shift
mount -t overlay overlay -o "lowerdir=$shim/sbin:/usr/sbin" /usr/sbin
# nspawn refuses to clean up its propagation directory on a disk filesystem, as /run is here
mkdir -p /run/systemd/nspawn
mount -t tmpfs tmpfs /run/systemd/nspawn
PATH="$shim/bin:$PATH"
export PATH
exec "$@"
`;

// mount.vfat DEVICE DIR [-o OPTIONS]: one record directory per mount (dir, device, label, serial, tree/)
const mountVfat = (records: string): string => `#!/bin/sh
set -eu
MTOOLS_SKIP_CHECK=1
export MTOOLS_SKIP_CHECK
dev="$1"
dir="$2"
record=$(mktemp -d "${records}/esp.XXXXXX")
mkdir "$record/tree"
printf '%s' "$dir" > "$record/dir"
printf '%s' "$dev" > "$record/dev"
blkid -o value -s LABEL "$dev" > "$record/label" || true
blkid -o value -s UUID "$dev" | tr -d '-' > "$record/serial"
if [ -n "$(mdir -b -i "$dev" ::/)" ]; then
  mcopy -s -m -n -i "$dev" '::/*' "$record/tree/"
fi
exec mount --bind "$record/tree" "$dir"
`;

// umount [OPTIONS] TARGET: the real umount, then every FAT volume staged at or below TARGET written back
const umount = (records: string): string => `#!/bin/sh
set -eu
MTOOLS_SKIP_CHECK=1
export MTOOLS_SKIP_CHECK
for target; do :; done
/usr/bin/umount "$@"
target="\${target%/}"
for record in "${records}"/esp.*; do
  [ -d "$record" ] || continue
  dir=$(cat "$record/dir")
  case "$dir" in
    "$target" | "$target"/*) ;;
    *) continue ;;
  esac
  dev=$(cat "$record/dev")
  label=$(cat "$record/label")
  mkfs.fat -F32 -n "\${label:-EFI}" -i "$(cat "$record/serial")" "$dev" > /dev/null
  if [ -n "$(ls -A "$record/tree")" ]; then
    mcopy -s -m -i "$dev" "$record"/tree/* ::/
  fi
  rm -rf "$record"
done
`;

const NSPAWN = `#!/bin/sh
exec /usr/bin/systemd-nspawn --setenv=SYSTEMD_RELAX_ESP_CHECKS=1 "$@"
`;

/** Writes the shim under `dir`; returns the command prefix that runs a command inside it. */
export async function prepareEspShim(dir: string): Promise<string[]> {
  const records = join(dir, 'records');
  // the scripts carry this path literally
  if (!/^[\w./-]+$/.test(records)) throw new Error(`the ESP shim needs a plain path, not ${JSON.stringify(records)}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, 'sbin'), { recursive: true });
  await mkdir(join(dir, 'bin'), { recursive: true });
  await mkdir(records, { recursive: true });
  const files: [string, string][] = [
    ['with-esp-shim.sh', NAMESPACE_SCRIPT],
    ['sbin/mount.vfat', mountVfat(records)],
    ['bin/umount', umount(records)],
    ['bin/systemd-nspawn', NSPAWN],
  ];
  for (const [name, content] of files) {
    await writeFile(join(dir, name), content);
    await chmod(join(dir, name), 0o755);
  }
  return ['unshare', '--mount', '--propagation', 'private', '--', join(dir, 'with-esp-shim.sh'), dir];
}
