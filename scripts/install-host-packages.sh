#!/usr/bin/env bash
# Installs the Debian packages Stamper needs on the build host: the hypervisor-free
# pipeline tools, QEMU for the boot check, Chromium for the browser tests, and the
# tools the tests use to build and sign a local apt repository, the compiler and
# python3 that node-gyp needs to build better-sqlite3, Postgres for the scale-out store
# tests (they start their own cluster in a temporary directory and do not use the
# package's own), and the unprivileged build user
# with its subordinate ids.
set -euo pipefail

packages=(
  ca-certificates python3 make g++
  mmdebstrap qemu-system-x86 qemu-utils ovmf mtools dosfstools fdisk genisoimage
  grub-pc-bin grub-efi-amd64-bin zstd e2fsprogs libvmdk-utils
  uidmap acl
  gnupg dpkg-dev apt-utils openssh-client tar
  chromium fonts-dejavu-core
  postgresql
)
# Installed where the release has them, and the tests that need them are skipped where
# it does not: packer checks the exported Packer template (Debian 13 no longer ships it:
# its licence changed); a local registry, skopeo and umoci check KubeVirt containerDisks;
# mkosi is the hypervisor-free peer bench/peers.ts builds the same node with (its ESP goes
# through mtools where the kernel has no vfat).
optional=(packer docker-registry skopeo umoci mkosi)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
if [ "${#missing[@]}" -eq 0 ]; then
  echo "host packages: all present"
else
  $SUDO apt-get update -qq
  for p in "${optional[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" && continue
    # read whole first: with pipefail, grep -q quitting early would fail apt-cache with SIGPIPE
    policy="$(apt-cache policy "$p" 2>/dev/null || true)"
    if grep -q 'Candidate: [0-9]' <<<"$policy"; then
      missing+=("$p")
    else
      echo "host packages: $p is not in this Debian release; the tests that need it are skipped"
    fi
  done
  echo "host packages: installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# rootless builds run as this user in a user namespace (newuidmap/newgidmap come from uidmap)
$SUDO bash "$(dirname "$0")/setup-build-user.sh"
