import { createReadStream } from 'node:fs';
import type { SourcePolicy } from '../../../sources/source-policy';
import { type Descriptor, blobPath, readLayoutManifest } from './oci-layout';
import { type ImageReference, formatImageReference } from '../../../../src/spec/providers/image-reference';
import { RegistryAuth, type RegistryCredentials } from './registry-auth';
import { RegistryPushError, readBounded } from './registry-error';

/**
 * Pushes one tagged image from an OCI layout to a registry with the OCI distribution API,
 * every request under the operator's source policy: for each blob a HEAD (skip what is there), a POST that opens an upload and a
 * monolithic PUT with the digest; then the manifest PUT under the tag.
 */
export interface RegistryTarget {
  reference: ImageReference;
  /** http instead of https: only for registries on loopback or a trusted network. */
  plainHttp?: boolean;
  credentials?: RegistryCredentials;
  /** The same policy as every source a build fetches from: a spec names the registry. */
  policy: SourcePolicy;
}

export interface PushedImage {
  reference: string;
  /** The manifest digest: `<registry>/<repository>@<digest>` pins exactly what was pushed. */
  digest: string;
  uploadedBlobs: number;
  skippedBlobs: number;
}

export async function pushOciImage(
  layoutDir: string,
  tag: string,
  target: RegistryTarget,
  options: { signal?: AbortSignal; progress?: (message: string) => void } = {},
): Promise<PushedImage> {
  const { descriptor, bytes } = await readLayoutManifest(layoutDir, tag);
  const manifest = JSON.parse(bytes.toString('utf8')) as { config: Descriptor; layers: Descriptor[] };
  const base = `${target.plainHttp ? 'http' : 'https'}://${target.reference.registry}/v2/${target.reference.repository}`;
  const auth = new RegistryAuth(new URL(base).origin, target.reference.repository, target.credentials, target.policy, options.signal);
  let uploadedBlobs = 0;
  let skippedBlobs = 0;
  for (const blob of [manifest.config, ...manifest.layers]) {
    const head = await auth.fetch(`${base}/blobs/${blob.digest}`, { method: 'HEAD' });
    if (head.status === 200) {
      skippedBlobs += 1;
      continue;
    }
    options.progress?.(`uploading ${blob.digest.slice(0, 19)} (${blob.size} bytes)`);
    await uploadBlob(auth, base, layoutDir, blob);
    uploadedBlobs += 1;
  }
  const put = await auth.fetch(`${base}/manifests/${encodeURIComponent(target.reference.tag)}`, {
    method: 'PUT',
    headers: { 'content-type': descriptor.mediaType, 'content-length': String(bytes.length) },
    body: () => bytes,
  });
  if (put.status !== 201) throw await failure(put, 'the manifest upload');
  await put.body?.cancel();
  const reported = put.headers.get('docker-content-digest');
  if (reported && reported !== descriptor.digest) throw new RegistryPushError(`the registry stored the manifest as ${reported}, not ${descriptor.digest}`);
  return { reference: formatImageReference(target.reference), digest: descriptor.digest, uploadedBlobs, skippedBlobs };
}

async function uploadBlob(auth: RegistryAuth, base: string, layoutDir: string, blob: Descriptor): Promise<void> {
  const start = await auth.fetch(`${base}/blobs/uploads/`, { method: 'POST', headers: { 'content-length': '0' } });
  if (start.status !== 202) throw await failure(start, `opening the upload of ${blob.digest}`);
  await start.body?.cancel();
  const location = start.headers.get('location');
  if (!location) throw new RegistryPushError(`the registry opened an upload for ${blob.digest} without a Location`);
  const url = new URL(location, base);
  url.searchParams.set('digest', blob.digest);
  // a fresh stream per send: the first may be spent on a 401 before the token is known
  const put = await auth.fetch(url.toString(), {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream', 'content-length': String(blob.size) },
    body: () => createReadStream(blobPath(layoutDir, blob.digest)),
  });
  if (put.status !== 201) throw await failure(put, `the upload of ${blob.digest}`);
  await put.body?.cancel();
}

async function failure(response: Response, what: string): Promise<RegistryPushError> {
  const text = (await readBounded(response, 300).catch(() => '')).trim();
  return new RegistryPushError(`${what} failed: HTTP ${response.status}${text ? ` ${text}` : ''}`, response.status);
}
