import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { findRelease } from '../../src/spec/catalog.ts';
import { hostDebianMirror } from '../pipeline/host-mirror.ts';
import { describeStatus, fetchSource } from '../sources/source-fetch.ts';
import { SourcePolicyError, type SourcePolicy } from '../sources/source-policy.ts';
import { PackagesParser, type PackageEntry } from './packages-file.ts';

export class PackageIndexError extends Error {
  constructor(
    readonly code: 'unknown_release' | 'mirror_required' | 'package_index_unavailable' | 'refused_by_policy',
    message: string,
  ) {
    super(message);
    this.name = 'PackageIndexError';
  }
}

export interface PackageIndexOptions {
  dataDir: string;
  /** The operator's source policy: the mirror is fetched from under the same rules as a build's sources. */
  policy: SourcePolicy;
  /** Mirror to read from; by default the one the build host's apt uses. */
  mirrorUrl?: string;
  aptDir?: string;
  arch?: string;
  /** A cached index younger than this is used without asking the mirror. */
  maxAgeMs?: number;
  fetchTimeoutMs?: number;
}

const DAY = 24 * 60 * 60_000;

/**
 * A release's package index: fetched once from the mirror, cached as JSON in the data dir
 * (the index changes a few times a day at most) and kept in memory for searching.
 */
export class PackageIndex {
  private readonly memory = new Map<string, PackageEntry[]>();
  private readonly inflight = new Map<string, Promise<PackageEntry[]>>();

  constructor(private readonly options: PackageIndexOptions) {}

  async packages(releaseId: string): Promise<PackageEntry[]> {
    const cached = this.memory.get(releaseId);
    if (cached) return cached;
    // concurrent searches for a cold release share one download
    let pending = this.inflight.get(releaseId);
    if (!pending) {
      pending = this.load(releaseId).finally(() => this.inflight.delete(releaseId));
      this.inflight.set(releaseId, pending);
    }
    return pending;
  }

  private async load(releaseId: string): Promise<PackageEntry[]> {
    const release = findRelease(releaseId);
    if (!release) throw new PackageIndexError('unknown_release', `unknown release "${releaseId}"`);
    const arch = this.options.arch ?? 'amd64';
    const cacheDir = join(this.options.dataDir, 'cache', 'package-index');
    const cacheFile = join(cacheDir, `${release.id}-${arch}.json`);
    const maxAge = this.options.maxAgeMs ?? DAY;

    const fresh = await stat(cacheFile)
      .then((s) => Date.now() - s.mtimeMs < maxAge)
      .catch(() => false);
    if (fresh) {
      const entries = JSON.parse(await readFile(cacheFile, 'utf8')) as PackageEntry[];
      this.memory.set(releaseId, entries);
      return entries;
    }

    const mirror = this.options.mirrorUrl ?? (release.mirrorRequired ? undefined : await hostDebianMirror(this.options.aptDir));
    if (!mirror) {
      throw new PackageIndexError('mirror_required', `${release.title} has no mirror this server can search; its packages can still be typed by name`);
    }
    const parser = new PackagesParser();
    try {
      for (const component of release.components) {
        await this.readIndex(`${mirror.replace(/\/+$/, '')}/dists/${release.id}/${component}/binary-${arch}/Packages.gz`, parser);
      }
    } catch (error) {
      // A refusal is the operator's answer and stays the same on every try: say it, not hide it behind an old copy.
      if (error instanceof SourcePolicyError) {
        throw new PackageIndexError('refused_by_policy', `the package index of ${release.title} is not read: ${error.message}`);
      }
      // a stale cache beats no search at all when the mirror is down
      const stale = await readFile(cacheFile, 'utf8').catch(() => null);
      if (stale) {
        const entries = JSON.parse(stale) as PackageEntry[];
        this.memory.set(releaseId, entries);
        return entries;
      }
      throw new PackageIndexError(
        'package_index_unavailable',
        `the package index of ${release.title} could not be read: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const entries = parser.end();
    await mkdir(cacheDir, { recursive: true });
    const temp = `${cacheFile}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(entries));
    await rename(temp, cacheFile);
    this.memory.set(releaseId, entries);
    return entries;
  }

  private async readIndex(url: string, parser: PackagesParser): Promise<void> {
    const timeoutMs = this.options.fetchTimeoutMs ?? 120_000;
    // nothing cancels a search's download but its timeout, which fetchSource sets from timeoutMs
    const response = await fetchSource(url, { policy: this.options.policy, signal: new AbortController().signal, timeoutMs });
    const { body } = response;
    if (response.status < 200 || response.status >= 300) {
      body.resume();
      throw new Error(describeStatus(response));
    }
    const gunzip = createGunzip();
    // pipe() does not pass a source error on; a cut download must fail the read, not end it early
    body.on('error', (error) => gunzip.destroy(error));
    const lines = createInterface({ input: body.pipe(gunzip), crlfDelay: Infinity });
    for await (const line of lines) parser.push(line);
    parser.push('');
  }
}
