import type { SbomPackage } from '@/spec/build-api';
import { compareDebianVersions } from '@/spec/debian-version';

/** The versioned kernel package (linux-image-6.12.57+deb13-amd64, linux-image-6.8.0-50-generic): its name carries the kernel release. */
const versionedKernel = /^linux-image-(\d[^\s]*)$/;
/** The distro's kernel meta package, when the versioned one is not listed. */
const kernelMeta = /^linux-image-(virtual|generic|(cloud-)?(amd64|arm64))$/;

/**
 * The kernel an image boots, read from its package list: the release the kernel package
 * is named for and the package version, e.g. "6.12.57+deb13-amd64 (6.12.57-1)". With more
 * than one kernel installed, the newest one (GRUB's default). Null when none is listed.
 */
export function kernelVersion(packages: readonly SbomPackage[]): string | null {
  const kernels = packages.flatMap((p) => {
    const match = versionedKernel.exec(p.name);
    return match?.[1] ? [{ release: match[1], version: p.version }] : [];
  });
  const newest = kernels.sort((a, b) => compareDebianVersions(b.version, a.version))[0];
  if (newest) return `${newest.release} (${newest.version})`;
  return packages.find((p) => kernelMeta.test(p.name))?.version ?? null;
}
