import { join } from 'node:path';
import { runProcess } from '../exec';

export interface InstalledPackage {
  name: string;
  version: string;
  architecture: string;
  installedSizeKiB: number;
  sourcePackage: string;
  homepage: string;
}

const FIELDS = ['${Package}', '${Version}', '${Architecture}', '${Installed-Size}', '${source:Package}', '${Homepage}', '${db:Status-Abbrev}'];
/** dpkg-query's format string: fields separated by tabs, one package per line. */
export const DPKG_QUERY_FORMAT = FIELDS.join('\t') + '\n';

/** Reads the image's dpkg database from the host, so no chroot is needed. */
export async function listInstalledPackages(tree: string, signal?: AbortSignal): Promise<InstalledPackage[]> {
  const { stdout } = await runProcess('dpkg-query', [`--admindir=${join(tree, 'var/lib/dpkg')}`, '-W', `-f=${DPKG_QUERY_FORMAT}`], {
    captureStdout: true,
    signal,
  });
  return parseDpkgQuery(stdout);
}

export function parseDpkgQuery(output: string): InstalledPackage[] {
  const packages: InstalledPackage[] = [];
  for (const line of output.split('\n')) {
    const [name, version, architecture, size, source, homepage, status] = line.split('\t');
    // Status-Abbrev is want/state/error: held packages show "hi", so look at the state letter only
    if (!name || !version || status?.[1] !== 'i') continue;
    packages.push({
      name,
      version,
      architecture: architecture ?? '',
      installedSizeKiB: Number(size) || 0,
      sourcePackage: source || name,
      homepage: homepage ?? '',
    });
  }
  return packages.sort((a, b) => a.name.localeCompare(b.name));
}

export async function installedVersion(tree: string, name: string): Promise<string | undefined> {
  const result = await runProcess('dpkg-query', [`--admindir=${join(tree, 'var/lib/dpkg')}`, '-W', '-f=${Version}', name], {
    captureStdout: true,
    allowFailure: true,
  });
  return result.code === 0 && result.stdout ? result.stdout : undefined;
}
