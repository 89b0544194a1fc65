import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { distroSuites, extraRepositorySuite, renderSourceStanza } from '../../../src/spec/apt-suites';
import { findRelease } from '../../../src/spec/catalog';
import type { AptRepositorySpec, NodeImageSpec } from '../../../src/spec/schema';
import { fetchBytes } from '../download';
import { isArmoredKey } from '../kubernetes/apt-source';

/**
 * The apt sources mmdebstrap installs from: the release with its -updates and -security
 * suites, then the spec's extra repositories. Everything is written from Node into files
 * at fixed paths in the stage directory; mmdebstrap gets those paths, never a spec value.
 */

/** mmdebstrap names a sources file it is given `sources.list.d/<NNNN><file name>`; the distro's comes first. */
export const DISTRO_SOURCES_IN_IMAGE = '/etc/apt/sources.list.d/0000distro.sources';

export interface PreparedAptSources {
  /** Options to put before the suite (hooks). */
  options: string[];
  /** The MIRROR arguments: sources files, in order. */
  mirrors: string[];
}

/** ASCII armor (RFC 4880 §6) for a binary key, so it can be embedded in a deb822 Signed-By field. */
export function armorPublicKey(binary: Buffer): string {
  const lines = binary.toString('base64').match(/.{1,64}/g) ?? [];
  const crc = crc24(binary);
  const checksum = Buffer.from([(crc >> 16) & 0xff, (crc >> 8) & 0xff, crc & 0xff]).toString('base64');
  return ['-----BEGIN PGP PUBLIC KEY BLOCK-----', '', ...lines, `=${checksum}`, '-----END PGP PUBLIC KEY BLOCK-----', ''].join('\n');
}

function crc24(data: Buffer): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

/**
 * Debian's archive key is trusted through the --keyring mmdebstrap gets and, in the
 * image, through debian-archive-keyring's trusted.gpg.d files; other releases name
 * their keyring, which their keyring package installs at the same path in the image.
 */
export function renderDistroSources(spec: NodeImageSpec, mirror: string, hostSecurityMirror?: string): string {
  const release = findRelease(spec.os.release);
  const signedBy = release && release.distro !== 'debian' ? { keyring: release.keyring } : undefined;
  return distroSuites(spec, mirror, hostSecurityMirror)
    .map((suite) => renderSourceStanza(suite, signedBy))
    .join('\n');
}

/** An apt preferences entry: pins every package from the repository's host (apt matches `origin` on the host name). */
export function renderPin(repo: AptRepositorySpec): string | null {
  if (repo.pin === undefined) return null;
  return `Package: *\nPin: origin "${new URL(repo.url).hostname}"\nPin-Priority: ${repo.pin}\n`;
}

export async function signingKeyOf(repo: AptRepositorySpec, signal: AbortSignal): Promise<string> {
  if (repo.signingKey) return repo.signingKey;
  if (!repo.signingKeyUrl) throw new Error(`repository ${repo.name} has no signing key`);
  const key = await fetchBytes(repo.signingKeyUrl, signal);
  return isArmoredKey(key) ? key.toString('utf8') : armorPublicKey(key);
}

/** Runs before mmdebstrap's apt update: puts the pins where apt reads them. */
const SETUP_HOOK = `#!/bin/sh
set -eu
here="$(dirname "$0")"
mkdir -p "$1/etc/apt/preferences.d"
for f in "$here"/preferences.d/*.pref; do
  [ -e "$f" ] || continue
  cp "$f" "$1/etc/apt/preferences.d/"
done
`;

/** Runs after the packages are installed: the image keeps only the extra repositories. */
const REMOVE_DISTRO_SOURCES_HOOK = `#!/bin/sh
set -eu
rm -f "$1${DISTRO_SOURCES_IN_IMAGE}"
`;

async function writeScript(path: string, content: string): Promise<string> {
  await writeFile(path, content);
  await chmod(path, 0o755);
  return path;
}

export async function prepareAptSources(
  spec: NodeImageSpec,
  dir: string,
  mirror: string,
  options: { hostSecurityMirror?: string; signal: AbortSignal },
): Promise<PreparedAptSources> {
  const sourcesDir = join(dir, 'apt-sources');
  await mkdir(join(sourcesDir, 'preferences.d'), { recursive: true });
  const distro = join(sourcesDir, 'distro.sources');
  await writeFile(distro, renderDistroSources(spec, mirror, options.hostSecurityMirror));
  const prepared: PreparedAptSources = { options: [], mirrors: [distro] };
  if (spec.repositories.length > 0) {
    const stanzas: string[] = [];
    for (const repo of spec.repositories) {
      stanzas.push(renderSourceStanza(extraRepositorySuite(repo), { armoredKey: await signingKeyOf(repo, options.signal) }));
      const pin = renderPin(repo);
      if (pin) await writeFile(join(sourcesDir, 'preferences.d', `stamper-${repo.name}.pref`), pin);
    }
    const extra = join(sourcesDir, 'stamper-extra.sources');
    await writeFile(extra, stanzas.join('\n'));
    prepared.mirrors.push(extra);
    prepared.options.push(`--setup-hook=${await writeScript(join(sourcesDir, 'setup-hook.sh'), SETUP_HOOK)}`);
  }
  if (spec.os.keepDistroSources === false) {
    prepared.options.push(`--customize-hook=${await writeScript(join(sourcesDir, 'remove-distro-sources.sh'), REMOVE_DISTRO_SOURCES_HOOK)}`);
  }
  return prepared;
}
