import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Exec } from '../disk/build-disk-image';
import { type OciImage, writeOciImageLayout } from './oci/oci-layout';

/**
 * A KubeVirt containerDisk: an OCI image whose only layer holds the qcow2 under /disk/,
 * owned by UID/GID 107 (the qemu user in KubeVirt's virt-launcher, which must read it), as
 * KubeVirt's user guide builds one with `FROM scratch` + `ADD --chown=107:107 <disk> /disk/`.
 * Written as an OCI image layout (for a registry push) and as an oci-archive tar of that
 * layout, the downloadable artifact (`skopeo copy oci-archive:<file> docker://…` reads it).
 */
export const KUBEVIRT_QEMU_ID = 107;
export const CONTAINER_DISK_DIR = 'disk/';

export interface ContainerDiskRequest {
  exec: Exec;
  /** The qcow2 to wrap (the build's own qcow2 artifact, or one converted for this). */
  qcow2Path: string;
  /** The disk's file name under /disk/. */
  diskFileName: string;
  /** Scratch directory for the OCI layout; a push reads it. */
  layoutDir: string;
  /** Where the oci-archive artifact goes. */
  archivePath: string;
  /** Tag inside the layout (and the default tag of a push). */
  tag: string;
  architecture: string;
  created: Date;
  annotations?: Record<string, string>;
}

export interface ContainerDisk {
  image: OciImage;
  archivePath: string;
}

export async function writeContainerDisk(req: ContainerDiskRequest): Promise<ContainerDisk> {
  if (req.diskFileName.includes('/')) throw new Error(`the disk file name must not contain "/": ${req.diskFileName}`);
  const owner = { uid: KUBEVIRT_QEMU_ID, gid: KUBEVIRT_QEMU_ID };
  const image = await writeOciImageLayout({
    layoutDir: req.layoutDir,
    tag: req.tag,
    directories: [{ path: CONTAINER_DISK_DIR, mode: 0o555, ...owner }],
    // read-only is enough: KubeVirt never writes a containerDisk, it runs the VM on an overlay
    files: [{ path: `${CONTAINER_DISK_DIR}${req.diskFileName}`, source: req.qcow2Path, mode: 0o440, ...owner }],
    architecture: req.architecture,
    created: req.created,
    annotations: req.annotations,
  });
  await rm(req.archivePath, { force: true });
  // oci-layout first, so tools that sniff the archive know it at once
  await req.exec(
    'tar',
    ['--format=posix', '--owner=0', '--group=0', '--numeric-owner', '-cf', req.archivePath, '-C', req.layoutDir, 'oci-layout', 'index.json', 'blobs'],
    {
      quiet: true,
    },
  );
  return { image, archivePath: req.archivePath };
}

/** The oci-archive artifact's file name for an image name. */
export const containerDiskArchiveName = (name: string): string => `${name}.containerdisk.oci.tar`;

/** The layout directory in a stage's scratch space. */
export const containerDiskLayoutDir = (stageDir: string): string => join(stageDir, 'containerdisk-oci');
