import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Exec } from '../disk/build-disk-image';

export interface NoCloudSeed {
  userData: string;
  metaData: string;
}

/**
 * Writes a NoCloud seed ISO: an ISO 9660 volume labelled "cidata" holding user-data and
 * meta-data, which cloud-init's NoCloud datasource finds on any attached drive. This is the
 * transport Cluster API providers on plain hypervisors use (KubeVirt's cloudInitNoCloud
 * volume, Proxmox's seed ISO), so the boot check exercises the image's datasource detection too.
 */
export async function writeNoCloudSeed(exec: Exec, scratchDir: string, seed: NoCloudSeed): Promise<string> {
  const dir = join(scratchDir, 'seed');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'user-data'), seed.userData, { mode: 0o600 });
  await writeFile(join(dir, 'meta-data'), seed.metaData, { mode: 0o644 });
  const iso = join(scratchDir, 'seed.iso');
  await rm(iso, { force: true });
  await exec('genisoimage', ['-quiet', '-output', iso, '-volid', 'cidata', '-joliet', '-rock', join(dir, 'user-data'), join(dir, 'meta-data')], {
    quiet: true,
  });
  return iso;
}
