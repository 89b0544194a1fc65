import { describeStatus, fetchSource } from './source-fetch.ts';
import type { SourcePolicy } from './source-policy.ts';

/** A checksum file holds a line or a few; anything bigger is not one. */
export const SHA256SUM_MAX_BYTES = 16 * 1024;

export interface Sha256SumEntry {
  sha256: string;
  fileName: string;
}

/** Why a checksum could not be had: the source said no, or what it sent is not a checksum file. */
export class Sha256SumError extends Error {
  override name = 'Sha256SumError';
  constructor(
    readonly url: string,
    readonly detail: string,
    readonly upstreamStatus: number | null = null,
  ) {
    super(`${url}: ${detail}`);
  }
}

// sha256sum's output: the digest, a space, then " " (text mode) or "*" (binary mode), then the name.
const sha256SumLine = /^([0-9a-fA-F]{64}) [ *](.+)$/;

/**
 * The entries of a sha256sum-format file. A line that is not one makes the whole file
 * unreadable rather than skipped, so a page that happens to contain a hex string is not
 * taken for a checksum file.
 */
export function parseSha256Sums(text: string): Sha256SumEntry[] | null {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const entries: Sha256SumEntry[] = [];
  for (const line of lines) {
    const match = sha256SumLine.exec(line.trimEnd());
    if (!match?.[1] || !match[2]) return null;
    entries.push({ sha256: match[1].toLowerCase(), fileName: match[2].replace(/^.*\//, '') });
  }
  return entries.length > 0 ? entries : null;
}

/** "containerd-2.2.1-linux-amd64.tar.gz" for ".../containerd-2.2.1-linux-amd64.tar.gz.sha256sum". */
function describedFileName(url: string): string | undefined {
  const last = new URL(url).pathname.split('/').pop() ?? '';
  return last.endsWith('.sha256sum') ? decodeURIComponent(last.slice(0, -'.sha256sum'.length)) : undefined;
}

export interface FetchSha256SumOptions {
  policy: SourcePolicy;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Reads a published checksum file under the source policy: a short timeout, a size bound,
 * and only the digest and file name handed back (never the body), so the endpoint cannot
 * be used to read arbitrary pages through the server. Throws SourcePolicyError,
 * SourceFetchError or Sha256SumError.
 */
export async function fetchSha256Sum(url: string, options: FetchSha256SumOptions): Promise<Sha256SumEntry & { url: string }> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const response = await fetchSource(url, { policy: options.policy, signal: options.signal ?? AbortSignal.timeout(timeoutMs), timeoutMs });
  if (response.status < 200 || response.status >= 300) {
    response.body.destroy();
    throw new Sha256SumError(response.url, describeStatus(response), response.status);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > SHA256SUM_MAX_BYTES) throw new Sha256SumError(response.url, `more than ${SHA256SUM_MAX_BYTES} bytes: not a checksum file`);
      chunks.push(chunk);
    }
  } catch (err) {
    response.body.destroy();
    if (err instanceof Sha256SumError) throw err;
    // the timeout also runs while the body arrives: a source that starts answering and stalls
    throw new Sha256SumError(response.url, `the answer stopped before it was complete (${err instanceof Error ? err.message : String(err)})`);
  }
  const entries = parseSha256Sums(Buffer.concat(chunks).toString('utf8'));
  if (!entries) throw new Sha256SumError(response.url, 'not a sha256sum file (expected lines of "<64 hex digits>  <file name>")');
  const wanted = describedFileName(response.url) ?? describedFileName(url);
  const entry = wanted ? entries.find((e) => e.fileName === wanted) : entries.length === 1 ? entries[0] : undefined;
  if (!entry) {
    throw new Sha256SumError(response.url, wanted ? `has no checksum for ${wanted}` : 'lists several files; name the one you need');
  }
  return { ...entry, url: response.url };
}
