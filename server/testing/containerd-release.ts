import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import { createGunzip } from 'node:zlib';
import { downloadVerified } from '../pipeline/download';
import { sha256File } from '../signing/sha256sums';
import { runProcess } from '../pipeline/exec';
import { hostDebianMirror } from '../pipeline/host-mirror';

export interface ContainerdRelease {
  /** File name of the tarball written into the target directory. */
  file: string;
  /** The upstream version the binaries report, e.g. 2.1.9. */
  version: string;
  sha256: string;
}

const BINARIES = ['containerd', 'containerd-shim-runc-v2', 'ctr'];

/**
 * A containerd 2.x release tarball in the upstream layout (bin/containerd, …), made from
 * Debian unstable's containerd package on the host's own Debian mirror: the one build of
 * containerd 2.x this machine can reach (GitHub's release downloads are out of reach).
 * Its binaries need only libc6 >= 2.34, so they run on trixie.
 */
export async function containerdReleaseFromDebian(targetDir: string, suite = 'sid'): Promise<ContainerdRelease> {
  const mirror = (await hostDebianMirror())?.replace(/\/+$/, '');
  if (!mirror) throw new Error("no Debian mirror in this host's apt sources");
  const entry = await findPackage(`${mirror}/dists/${suite}/main/binary-amd64/Packages.gz`, 'containerd');
  const version = /^(\d+\.\d+\.\d+)/.exec(entry.version)?.[1];
  if (!version?.startsWith('2.')) throw new Error(`Debian ${suite} has containerd ${entry.version}, not a 2.x release`);

  const work = await mkdtemp(join(tmpdir(), 'stamper-containerd-'));
  try {
    // checked against the SHA-256 the index gives, like any download a build makes
    const deb = await downloadVerified(`${mirror}/${entry.filename}`, entry.sha256, { cacheDir: work, cacheOutDir: work }, AbortSignal.timeout(300_000));
    await runProcess('dpkg-deb', ['-x', deb, join(work, 'root')]);
    await mkdir(join(work, 'release', 'bin'), { recursive: true });
    for (const name of BINARIES) await runProcess('cp', [join(work, 'root/usr/bin', name), join(work, 'release/bin', name)]);
    await mkdir(targetDir, { recursive: true });
    const file = `containerd-${version}-linux-amd64.tar.gz`;
    await runProcess('tar', ['-czf', join(targetDir, file), '--owner=0', '--group=0', '-C', join(work, 'release'), 'bin']);
    return { file, version, sha256: await sha256File(join(targetDir, file)) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Streams a Packages.gz index and returns the named package's stanza fields. */
async function findPackage(url: string, name: string): Promise<{ version: string; filename: string; sha256: string }> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`${url}: HTTP ${response.status}`);
  const lines = createInterface({ input: Readable.fromWeb(response.body as ReadableStream<Uint8Array>).pipe(createGunzip()), crlfDelay: Infinity });
  let fields = new Map<string, string>();
  for await (const line of lines) {
    if (line === '') {
      if (fields.get('Package') === name) break;
      fields = new Map();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith(' ')) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  lines.close();
  const [version, filename, sha256] = [fields.get('Version'), fields.get('Filename'), fields.get('SHA256')];
  if (fields.get('Package') !== name || !version || !filename || !sha256) throw new Error(`${name} is not in ${url}`);
  return { version, filename, sha256 };
}
