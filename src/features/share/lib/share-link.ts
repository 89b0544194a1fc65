import { MAX_SPEC_BYTES } from '@/spec/yaml-spec';

/** The hash key a shared spec travels in; the hash never reaches the server. */
export const SHARE_HASH_KEY = 'spec';

export class ShareLinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShareLinkError';
  }
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new ShareLinkError('The link holds characters a shared spec never has.');
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  let binary: string;
  try {
    binary = atob(padded);
  } catch {
    throw new ShareLinkError('The link is cut short or altered.');
  }
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function streamOf(bytes: Uint8Array<ArrayBuffer>): ReadableStream<BufferSource> {
  return new ReadableStream<BufferSource>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
}

async function readAll(stream: ReadableStream<Uint8Array>, limit: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    // A tiny link can inflate to gigabytes; stop reading long before that.
    if (total > limit) {
      await reader.cancel();
      throw new ShareLinkError(`The shared spec is larger than ${limit} bytes.`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Deflates the YAML text (comments and all) into a URL-safe string. */
export async function encodeSpecForLink(yamlText: string): Promise<string> {
  const input = streamOf(new TextEncoder().encode(yamlText));
  const compressed = await readAll(input.pipeThrough(new CompressionStream('deflate-raw')), Number.MAX_SAFE_INTEGER);
  return toBase64Url(compressed);
}

export async function decodeSpecFromLink(encoded: string): Promise<string> {
  const bytes = fromBase64Url(encoded);
  if (bytes.byteLength === 0) throw new ShareLinkError('The link holds no spec.');
  try {
    const inflated = await readAll(streamOf(bytes).pipeThrough(new DecompressionStream('deflate-raw')), MAX_SPEC_BYTES);
    return new TextDecoder('utf-8', { fatal: true }).decode(inflated);
  } catch (error) {
    if (error instanceof ShareLinkError) throw error;
    throw new ShareLinkError('The link is cut short or altered: its spec could not be unpacked.');
  }
}

/** An absolute link to the designer that restores `encoded` when opened. */
export function shareLinkUrl(location: Pick<Location, 'origin'>, encoded: string): string {
  return `${location.origin}/#${SHARE_HASH_KEY}=${encoded}`;
}

/** The encoded spec in a location hash, or null when the hash carries none. */
export function specParamFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return params.get(SHARE_HASH_KEY);
}
