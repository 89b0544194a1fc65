import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/**
 * Downloads `url` into a content-addressed cache and checks its SHA-256; a cached
 * file is re-hashed before use, so a corrupted cache can never slip into an image.
 */
export async function downloadVerified(url: string, sha256: string, cacheDir: string, signal: AbortSignal): Promise<string> {
  const dir = join(cacheDir, 'downloads');
  await mkdir(dir, { recursive: true });
  const target = join(dir, sha256.toLowerCase());
  if (await stat(target).then(() => true, () => false)) {
    if ((await sha256File(target)) === sha256.toLowerCase()) return target;
    await rm(target, { force: true });
  }
  const partial = `${target}.${process.pid}.part`;
  const response = await fetch(url, { signal });
  if (!response.ok || !response.body) throw new Error(`download ${url}: HTTP ${response.status}`);
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), createWriteStream(partial), { signal });
  const actual = await sha256File(partial);
  if (actual !== sha256.toLowerCase()) {
    await rm(partial, { force: true });
    throw new Error(`download ${url}: SHA-256 mismatch (expected ${sha256}, got ${actual})`);
  }
  await rename(partial, target);
  return target;
}

export async function fetchBytes(url: string, signal: AbortSignal, timeoutMs = 30_000): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
  if (!response.ok) throw new Error(`GET ${url}: HTTP ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}
