import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { SourceFetchError, describeStatus, fetchSource } from '../sources/source-fetch';
import { type SourcePolicy, sourcePolicyFromEnvironment } from '../sources/source-policy';
import { sha256File } from '../signing/sha256sums';

/** The build's policy comes from the operator's environment, which a build child inherits. */
const operatorPolicy = (): SourcePolicy => sourcePolicyFromEnvironment(process.env);

/** The cache a download reads and the place its new entries go (the same directory for trusted callers). */
export interface DownloadCache {
  cacheDir: string;
  cacheOutDir: string;
}

/**
 * Downloads `url` into a content-addressed cache and checks its SHA-256; a cached
 * file is re-hashed before use, so a corrupted cache can never slip into an image.
 * Errors name the URL and the HTTP status or network error.
 */
export async function downloadVerified(url: string, sha256: string, cache: DownloadCache, signal: AbortSignal, policy = operatorPolicy()): Promise<string> {
  const name = sha256.toLowerCase();
  for (const dir of new Set([cache.cacheDir, cache.cacheOutDir])) {
    const cached = join(dir, 'downloads', name);
    if (await isFile(cached)) {
      if ((await sha256File(cached)) === name) return cached;
      // only our own entries are ours to remove; a bad shared one is the service's to replace
      if (dir === cache.cacheOutDir) await rm(cached, { force: true });
    }
  }
  const dir = join(cache.cacheOutDir, 'downloads');
  await mkdir(dir, { recursive: true });
  const target = join(dir, name);
  const partial = `${target}.${process.pid}.part`;
  // a large tarball may take long; only the wait for the first answer is bounded
  const response = await fetchSource(url, { policy, signal, timeoutMs: 60 * 60_000 }).catch((err: unknown) => {
    throw err instanceof SourceFetchError ? new Error(`download ${err.message}`, { cause: err }) : err;
  });
  if (response.status < 200 || response.status >= 300) {
    response.body.resume();
    throw new Error(`download ${url}: ${describeStatus(response)}`);
  }
  await pipeline(response.body, createWriteStream(partial), { signal });
  const actual = await sha256File(partial);
  if (actual !== sha256.toLowerCase()) {
    await rm(partial, { force: true });
    throw new Error(`download ${url}: SHA-256 mismatch (expected ${sha256}, got ${actual})`);
  }
  await rename(partial, target);
  return target;
}

export async function fetchBytes(url: string, signal: AbortSignal, timeoutMs = 30_000, policy = operatorPolicy()): Promise<Buffer> {
  const response = await fetchSource(url, { policy, signal, timeoutMs }).catch((err: unknown) => {
    throw err instanceof SourceFetchError ? new Error(`GET ${err.message}`, { cause: err }) : err;
  });
  if (response.status < 200 || response.status >= 300) {
    response.body.resume();
    throw new Error(`GET ${url}: ${describeStatus(response)}`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of response.body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}
