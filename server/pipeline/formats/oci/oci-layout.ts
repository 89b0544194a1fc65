import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { tarEnd, tarHeader, tarPadding } from './tar-entries';

/**
 * An OCI image layout (image-spec v1.1: oci-layout, index.json, blobs/sha256/…) holding a
 * one-layer image, written straight to disk: no container engine, no daemon. The layer is an
 * uncompressed tar, so its digest is also its diff ID; a qcow2 inside is compressed already.
 */
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER_TAR = 'application/vnd.oci.image.layer.v1.tar';
/** The index annotation naming a manifest's tag inside a layout. */
export const REF_NAME = 'org.opencontainers.image.ref.name';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string };
}

interface Owned {
  mode: number;
  uid: number;
  gid: number;
}

export interface OciImageRequest {
  layoutDir: string;
  tag: string;
  /** Directory entries of the layer, "disk/" style. */
  directories: (Owned & { path: string })[];
  /** Files of the layer: where each goes in it and which host file it is. */
  files: (Owned & { path: string; source: string })[];
  architecture: string;
  /** Entry times and the config's creation date: fixed, so the same input gives the same digests. */
  created: Date;
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
}

export interface OciImage {
  layoutDir: string;
  tag: string;
  manifest: Descriptor;
  config: Descriptor;
  layer: Descriptor;
}

export const blobPath = (layoutDir: string, digest: string): string => join(layoutDir, 'blobs', ...digest.split(':'));

const sha256 = (bytes: Buffer | string): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

async function writeBlob(layoutDir: string, mediaType: string, content: string): Promise<Descriptor> {
  const digest = sha256(content);
  await writeFile(blobPath(layoutDir, digest), content);
  return { mediaType, digest, size: Buffer.byteLength(content) };
}

/** Streams the layer tar into the layout once, hashing it on the way. */
async function writeLayer(req: OciImageRequest): Promise<Descriptor> {
  const mtime = Math.floor(req.created.getTime() / 1000);
  const partial = join(req.layoutDir, 'blobs', 'sha256', '.layer.partial');
  const hash = createHash('sha256');
  let size = 0;
  async function* layerBytes(): AsyncGenerator<Buffer> {
    const emit = (chunk: Buffer): Buffer => {
      hash.update(chunk);
      size += chunk.length;
      return chunk;
    };
    for (const dir of req.directories) yield emit(tarHeader({ ...dir, type: 'directory', size: 0, mtime }));
    for (const file of req.files) {
      const bytes = (await stat(file.source)).size;
      yield emit(tarHeader({ path: file.path, type: 'file', mode: file.mode, uid: file.uid, gid: file.gid, size: bytes, mtime }));
      let read = 0;
      for await (const chunk of createReadStream(file.source, { highWaterMark: 1024 * 1024 })) {
        read += (chunk as Buffer).length;
        yield emit(chunk as Buffer);
      }
      // a file that changed size while it was read would make a corrupt tar
      if (read !== bytes) throw new Error(`${file.source} changed while it was written into the layer`);
      yield emit(tarPadding(bytes));
    }
    yield emit(tarEnd());
  }
  await pipeline(layerBytes, createWriteStream(partial));
  const digest = `sha256:${hash.digest('hex')}`;
  await rename(partial, blobPath(req.layoutDir, digest));
  return { mediaType: OCI_LAYER_TAR, digest, size };
}

export async function writeOciImageLayout(req: OciImageRequest): Promise<OciImage> {
  await rm(req.layoutDir, { recursive: true, force: true });
  await mkdir(join(req.layoutDir, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(req.layoutDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const layer = await writeLayer(req);
  const created = req.created.toISOString();
  const config = await writeBlob(
    req.layoutDir,
    OCI_CONFIG,
    JSON.stringify({
      created,
      architecture: req.architecture,
      os: 'linux',
      config: req.labels ? { Labels: req.labels } : {},
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
      history: [{ created, created_by: 'stamper: OCI layout written without a container engine' }],
    }),
  );
  const manifest = await writeBlob(
    req.layoutDir,
    OCI_MANIFEST,
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config,
      layers: [layer],
      ...(req.annotations ? { annotations: req.annotations } : {}),
    }),
  );
  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: [{ ...manifest, annotations: { [REF_NAME]: req.tag }, platform: { architecture: req.architecture, os: 'linux' } }],
  };
  await writeFile(join(req.layoutDir, 'index.json'), JSON.stringify(index));
  return { layoutDir: req.layoutDir, tag: req.tag, manifest, config, layer };
}

/** The manifest a layout's index names for `tag`, as stored (its bytes are what the digest covers). */
export async function readLayoutManifest(layoutDir: string, tag: string): Promise<{ descriptor: Descriptor; bytes: Buffer }> {
  const index = JSON.parse(await readFile(join(layoutDir, 'index.json'), 'utf8')) as { manifests?: Descriptor[] };
  const descriptor = index.manifests?.find((m) => m.annotations?.[REF_NAME] === tag);
  if (!descriptor) throw new Error(`no manifest tagged "${tag}" in ${layoutDir}`);
  const bytes = await readFile(blobPath(layoutDir, descriptor.digest));
  if (sha256(bytes) !== descriptor.digest) throw new Error(`manifest ${descriptor.digest} in ${layoutDir} does not match its digest`);
  return { descriptor, bytes };
}
