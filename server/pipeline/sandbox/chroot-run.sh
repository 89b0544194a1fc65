#!/bin/sh
# usage: chroot-run.sh TREE COMMAND [ARG...]
# Runs COMMAND inside the image tree TREE. Called by chrootExec inside a fresh mount and
# PID namespace (unshare), so every mount below ends with the command and nothing stays
# mounted on the host. The tree gets only the device nodes a package install needs, bound
# from the host's: null, zero, full, random, urandom, tty; its own devpts (apt logs through
# a pty) and /dev/shm. No host disk, no /sys. Arguments stay arguments: nothing here is
# built from them but the exec.
set -eu
tree=$1
shift
mount -t tmpfs -o mode=0755,size=64k,nosuid,noexec stamper-dev "$tree/dev"
for node in null zero full random urandom tty; do
  : >"$tree/dev/$node"
  mount --bind "/dev/$node" "$tree/dev/$node"
done
mkdir "$tree/dev/pts" "$tree/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$tree/dev/pts"
ln -s pts/ptmx "$tree/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev shm "$tree/dev/shm"
ln -s /proc/self/fd "$tree/dev/fd"
exec chroot "$tree" "$@"
